//! Delivery addresses: a customer's door (street, house number, flat, district, city) and the
//! ways they write it from order to order, in Latin letters or Arabic script.
//!
//! Besides `N street-type street-name`, the forms of the region (docs/address.md): a flat in a
//! residence (Morocco, Tunisia), a plot of a lotissement, a flat of a cité of N logements
//! (Algeria), a douar (rural Maghreb), an Egyptian building (عقار) or tower (برج) flat, a villa
//! in a Gulf district. Some customers write one order in Arabic script and the next in Latin
//! letters.

use super::countries::Country;
use super::pick;

/// Named streets: the Latin spelling and the Arabic one.
const STREETS: &[(&str, &str)] = &[
    ("Mohammed V", "محمد الخامس"),
    ("Hassan II", "الحسن الثاني"),
    ("Ibn Battouta", "ابن بطوطة"),
    ("Allal Ben Abdellah", "علال بن عبد الله"),
    ("Zerktouni", "الزرقطوني"),
    ("Palestine", "فلسطين"),
    ("Habib Bourguiba", "الحبيب بورقيبة"),
    ("Didouche Mourad", "ديدوش مراد"),
    ("Larbi Ben M'hidi", "العربي بن مهيدي"),
    ("Et Tahrir", "التحرير"),
    ("Al Qods", "القدس"),
    ("Yasmine", "الياسمين"),
    ("Al Andalus", "الأندلس"),
    ("Armée Royale", "الجيش الملكي"),
    ("Gamal Abdel Nasser", "جمال عبد الناصر"),
    ("Ibn Khaldoun", "ابن خلدون"),
    ("Al Massira", "المسيرة"),
    ("Moulay Youssef", "مولاي يوسف"),
    ("El Fida", "الفداء"),
    ("King Fahd", "الملك فهد"),
    ("Al Olaya", "العليا"),
    ("Ibn Sina", "ابن سينا"),
    ("Oqba Ibn Nafii", "عقبة بن نافع"),
    ("Al Amal", "الأمل"),
];

/// Street types: the ways each is written, the full word first.
const LATIN_TYPES: &[&[&str]] = &[
    &["Rue", "R.", "rue"],
    &["Avenue", "Av.", "Av"],
    &["Boulevard", "Bd", "Bd.", "BD"],
];
const ARABIC_TYPES: &[&[&str]] = &[&["شارع", "ش"], &["زنقة", "زن"]];

/// Districts: the Latin spelling and the Arabic one.
const DISTRICTS: &[(&str, &str)] = &[
    ("Salam", "السلام"),
    ("Riad", "الرياض"),
    ("Nahda", "النهضة"),
    ("Maarif", "المعاريف"),
    ("Sidi Maarouf", "سيدي معروف"),
    ("El Menzah", "المنزه"),
    ("Bab El Oued", "باب الواد"),
    ("Nasr", "النصر"),
];

/// Names of residences, lotissements, douars and towers: the Latin spelling and the Arabic one.
const COMPLEXES: &[(&str, &str)] = &[
    ("Al Amal", "الأمل"),
    ("Ennour", "النور"),
    ("Al Wahda", "الوحدة"),
    ("Essalam", "السلام"),
    ("Al Yasmine", "الياسمين"),
    ("Al Majd", "المجد"),
    ("Al Qods", "القدس"),
    ("Al Andalous", "الأندلس"),
    ("Al Boustane", "البستان"),
    ("Al Nakhil", "النخيل"),
    ("Riad Al Andalous", "رياض الأندلس"),
    ("Al Firdaous", "الفردوس"),
];

/// Douars: the Latin spelling and the Arabic one.
const DOUARS: &[(&str, &str)] = &[
    ("Ouled Ahmed", "أولاد أحمد"),
    ("Ait Ali", "آيت علي"),
    ("Ouled Moussa", "أولاد موسى"),
    ("Lamhamid", "المحاميد"),
    ("Ouled Salah", "أولاد صالح"),
    ("Sidi Bouzid", "سيدي بوزيد"),
];

/// The street a door is on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Street {
    /// An index into the named streets.
    Named(usize),
    /// A numbered street of a newer district ("Rue 112").
    Numbered(u32),
    /// A residence (index into the complexes): the door's house is its building (immeuble).
    Residence(usize),
    /// A lotissement (index into the complexes): the house is the plot.
    Lotissement(usize),
    /// A cité of so many logements: the house is the bloc.
    Cite(u32),
    /// A douar (index into the douars): no house number.
    Douar(usize),
    /// An Egyptian tower (برج, index into the complexes): the house is the floor.
    Tower(usize),
}

impl Street {
    /// The street is a complex whose flats are the doors.
    fn has_flats(self) -> bool {
        matches!(
            self,
            Street::Residence(_) | Street::Cite(_) | Street::Tower(_)
        )
    }
}

/// Where a customer receives parcels. Two doors with the same city, street and house are one
/// building; the flat tells households apart.
#[derive(Clone, Copy)]
pub struct Door {
    pub city: usize,
    pub street: Street,
    street_type: usize,
    pub house: u32,
    pub flat: Option<u32>,
    district: Option<usize>,
    /// The customer writes the address in Arabic script.
    arabic: bool,
    /// The customer writes some orders in Arabic script and others in Latin letters.
    both_scripts: bool,
    /// A villa in a Gulf district: the house is the villa's number.
    villa: bool,
    /// In Egypt, the house number is now and then written as the building's (عقار 12).
    egypt: bool,
}

impl Door {
    /// The building: city, street and house number.
    pub fn building(&self) -> (usize, Street, u32) {
        (self.city, self.street, self.house)
    }

    /// The district of the door, an index of the districts' table (written on seven orders
    /// in ten).
    pub fn district(&self) -> Option<usize> {
        self.district
    }
}

/// A door in `country`: a named street most of the time, else a numbered one; a flat for
/// almost half of the customers. In the region, one door in three has the country's own form
/// (see the module doc), and one customer in five writes in both scripts.
pub fn door(rng: &mut fastrand::Rng, country: &Country) -> Door {
    let arabic = country.code != "FR" && rng.u8(0..5) < 2;
    let both_scripts = country.code != "FR" && rng.u8(0..5) == 0;
    let street = if rng.u8(0..6) == 0 {
        Street::Numbered(rng.u32(1..400))
    } else {
        Street::Named(rng.usize(..STREETS.len()))
    };
    let types = if arabic { ARABIC_TYPES } else { LATIN_TYPES };
    let mut door = Door {
        city: rng.usize(..country.cities.len()),
        street,
        street_type: rng.usize(..types.len()),
        house: rng.u32(1..250),
        flat: (rng.u8(0..20) < 9).then(|| rng.u32(1..40)),
        district: rng.bool().then(|| rng.usize(..DISTRICTS.len())),
        arabic,
        both_scripts,
        villa: false,
        egypt: country.code == "EG",
    };
    if rng.u8(0..3) > 0 {
        return door;
    }
    let complex = rng.usize(..COMPLEXES.len());
    let roll = rng.u8(0..10);
    match country.code {
        "MA" | "TN" if roll < 5 => {
            door.street = Street::Residence(complex);
            door.house = rng.u32(1..30);
        }
        "MA" | "TN" | "DZ" if roll < 8 => {
            door.street = Street::Lotissement(complex);
            door.house = rng.u32(1..400);
        }
        "MA" | "DZ" | "TN" if roll < 9 => {
            door.street = Street::Douar(rng.usize(..DOUARS.len()));
            door.house = 0;
        }
        "DZ" => {
            door.street = Street::Cite(*pick(rng, &[150, 200, 300, 500, 800, 1200]));
            door.house = rng.u32(1..40);
        }
        "EG" if roll < 4 => {
            door.street = Street::Tower(complex);
            door.house = rng.u32(1..25);
        }
        "SA" | "AE" => {
            door.villa = true;
            door.district = Some(rng.usize(..DISTRICTS.len()));
        }
        _ => return door,
    }
    door.flat = if door.street.has_flats() {
        Some(rng.u32(1..60))
    } else {
        None
    };
    door
}

/// The door of a household (`synth --households`): in Saudi Arabia and the Emirates a villa
/// (issue 17's family of one villa and one phone), elsewhere a door as [`door`] draws it: the
/// family's flat in a building or a residence, its house on a street or a lotissement's plot,
/// or a house in a douar (no number: no door to link by).
pub fn family_door(rng: &mut fastrand::Rng, country: &Country) -> Door {
    let mut door = door(rng, country);
    if matches!(country.code, "SA" | "AE") {
        door.street = Street::Named(rng.usize(..STREETS.len()));
        door.house = rng.u32(1..250);
        door.flat = None;
        door.villa = true;
        door.district = Some(rng.usize(..DISTRICTS.len()));
    }
    door
}

/// The flats a neighbour is drawn from.
pub const NEIGHBOUR_FLATS: std::ops::Range<u32> = 1..40;

/// A neighbour's door: the same building, another flat. (In a lotissement, a villa or a
/// douar, where flats are not written, that is a second household at the same door.)
pub fn neighbour(rng: &mut fastrand::Rng, of: &Door) -> Door {
    let flat = loop {
        let f = rng.u32(NEIGHBOUR_FLATS);
        if of.flat != Some(f) {
            break f;
        }
    };
    Door {
        flat: Some(flat),
        ..*of
    }
}

/// The address as typed on one order: house number before or after the street, the street
/// type spelt out or abbreviated, the flat and the district sometimes left out, capitals or
/// lower case, now and then a typo in the street name.
pub fn address_form(rng: &mut fastrand::Rng, door: &Door) -> String {
    let arabic = if door.both_scripts {
        rng.bool()
    } else {
        door.arabic
    };
    let text = match (door.street, arabic) {
        (Street::Named(_) | Street::Numbered(_), true) => arabic_address(rng, door),
        (Street::Named(_) | Street::Numbered(_), false) => latin_address(rng, door),
        (_, true) => arabic_complex(rng, door),
        (_, false) => latin_complex(rng, door),
    };
    match rng.u8(0..20) {
        0 | 1 => text.to_uppercase(),
        2 | 3 => text.to_lowercase(),
        _ => text,
    }
}

fn latin_address(rng: &mut fastrand::Rng, door: &Door) -> String {
    let kind = pick(rng, LATIN_TYPES[door.street_type]);
    let name = match door.street {
        Street::Named(i) => typo(rng, STREETS[i].0),
        Street::Numbered(n) => n.to_string(),
        _ => return latin_complex(rng, door),
    };
    let h = door.house;
    let mut out = match rng.u8(0..5) {
        _ if door.villa => {
            let villa = pick(rng, &["Villa ", "Villa No ", "villa "]);
            format!("{villa}{h}, {kind} {name}")
        }
        0 => format!("{h} {kind} {name}"),
        1 => format!("{h}, {kind} {name}"),
        2 => format!("{kind} {name} N {h}"),
        3 => format!("{kind} {name} n°{h}"),
        _ => format!("{kind} {name} N° {h}"),
    };
    if let Some(f) = door.flat.filter(|_| rng.u8(0..7) > 0) {
        let sep = pick(rng, &[", ", " - ", " "]);
        let unit = pick(rng, &["Appt ", "App.", "Apt ", "Appartement "]);
        out.push_str(&format!("{sep}{unit}{f}"));
    }
    if let Some(d) = door.district.filter(|_| rng.u8(0..10) < 7) {
        let sep = pick(rng, &[", ", " - ", " "]);
        let marker = pick(rng, &["Hay ", "Quartier ", ""]);
        out.push_str(&format!("{sep}{marker}{}", DISTRICTS[d].0));
    }
    out
}

fn arabic_address(rng: &mut fastrand::Rng, door: &Door) -> String {
    let kind = pick(rng, ARABIC_TYPES[door.street_type % ARABIC_TYPES.len()]);
    let name = match door.street {
        Street::Named(i) => STREETS[i].1.to_string(),
        Street::Numbered(n) => n.to_string(),
        _ => return arabic_complex(rng, door),
    };
    let h = door.house;
    let mut out = match rng.u8(0..3) {
        _ if door.villa => format!("{} {h} {kind} {name}", pick(rng, &["فيلا", "فيلا رقم"])),
        // Egypt: the building's number as عقار.
        0 if door.egypt && matches!(door.street, Street::Named(_)) && rng.u8(0..3) == 0 => {
            format!("عقار {h} {kind} {name}")
        }
        0 => format!("{h} {kind} {name}"),
        1 => format!("{kind} {name} رقم {h}"),
        // After a numbered street, a bare house number could be either number.
        _ if matches!(door.street, Street::Numbered(_)) => format!("{kind} {name} رقم {h}"),
        _ => format!("{kind} {name} {h}"),
    };
    if let Some(f) = door.flat.filter(|_| rng.u8(0..7) > 0) {
        let sep = pick(rng, &["، ", " - ", " "]);
        let unit = pick(rng, &["الشقة رقم ", "شقة ", "الشقة "]);
        out.push_str(&format!("{sep}{unit}{f}"));
    }
    if let Some(d) = door.district.filter(|_| rng.u8(0..10) < 7) {
        let sep = pick(rng, &["، ", " - ", " "]);
        out.push_str(&format!("{sep}حي {}", DISTRICTS[d].1));
    }
    indic_digits(rng, out)
}

/// A door of the region's forms in Latin letters, with the usual abbreviations.
fn latin_complex(rng: &mut fastrand::Rng, door: &Door) -> String {
    let (h, flat) = (door.house, door.flat.unwrap_or(1));
    let sep = *pick(rng, &[", ", " ", " - "]);
    let imm = pick(rng, &["Imm ", "Imm.", "Immeuble ", "Bloc ", "Bt "]);
    let apt = pick(rng, &["Appt ", "App ", "Apt ", "Appartement ", "N° "]);
    match door.street {
        Street::Residence(i) => {
            let res = pick(rng, &["Résidence ", "Residence ", "Res. ", "Rés "]);
            let name = typo(rng, COMPLEXES[i].0);
            match rng.u8(0..4) {
                0 => format!("{apt}{flat}{sep}{imm}{h}{sep}{res}{name}"),
                _ => format!("{res}{name}{sep}{imm}{h}{sep}{apt}{flat}"),
            }
        }
        Street::Lotissement(i) => {
            let lot = pick(rng, &["Lotissement ", "Lot. ", "Lot ", "Lotiss "]);
            let n = pick(rng, &["N° ", "n°", "No ", "Lot "]);
            format!("{lot}{}{sep}{n}{h}", typo(rng, COMPLEXES[i].0))
        }
        Street::Cite(logements) => {
            let cite = pick(rng, &["Cité ", "Cite ", "CITE "]);
            let logts = pick(rng, &["logements", "Logts", "lgts", "Logements"]);
            format!("{cite}{logements} {logts}{sep}{imm}{h}{sep}{apt}{flat}")
        }
        Street::Douar(i) => {
            let douar = pick(rng, &["Douar ", "douar ", "Dwar "]);
            format!("{douar}{}", DOUARS[i].0)
        }
        Street::Tower(i) => {
            let name = COMPLEXES[i].0;
            match rng.u8(0..2) {
                0 => format!("{name} Tower, Floor {h}, Flat {flat}"),
                _ => format!("{name} Tower{sep}Apartment {flat}"),
            }
        }
        Street::Named(_) | Street::Numbered(_) => latin_address(rng, door),
    }
}

/// A door of the region's forms in Arabic script, now and then with Arabic-Indic digits.
fn arabic_complex(rng: &mut fastrand::Rng, door: &Door) -> String {
    let (h, flat) = (door.house, door.flat.unwrap_or(1));
    let sep = *pick(rng, &["، ", " ", " - "]);
    let imm = pick(rng, &["عمارة ", "العمارة "]);
    let apt = pick(rng, &["شقة ", "الشقة ", "الشقة رقم ", "رقم "]);
    let out = match door.street {
        Street::Residence(i) => {
            let res = pick(rng, &["إقامة ", "اقامة ", "الإقامة "]);
            format!("{res}{}{sep}{imm}{h}{sep}{apt}{flat}", COMPLEXES[i].1)
        }
        Street::Lotissement(i) => {
            let lot = pick(rng, &["تجزئة ", "التجزئة "]);
            format!("{lot}{}{sep}رقم {h}", COMPLEXES[i].1)
        }
        Street::Cite(logements) => {
            format!("حي {logements} مسكن{sep}{imm}{h}{sep}{apt}{flat}")
        }
        Street::Douar(i) => format!("{}{}", pick(rng, &["دوار ", "الدوار "]), DOUARS[i].1),
        Street::Tower(i) => match rng.u8(0..2) {
            0 => format!("برج {} الدور {h} شقة {flat}", COMPLEXES[i].1),
            _ => format!("برج {}{sep}شقة {flat}", COMPLEXES[i].1),
        },
        Street::Named(_) | Street::Numbered(_) => return arabic_address(rng, door),
    };
    indic_digits(rng, out)
}

/// `text` with its digits in Arabic-Indic script one time in five.
fn indic_digits(rng: &mut fastrand::Rng, text: String) -> String {
    if rng.u8(0..5) > 0 {
        return text;
    }
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32('٠' as u32 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `name` with, one time in twenty-five, a letter dropped or doubled (never the first).
fn typo(rng: &mut fastrand::Rng, name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 5 || rng.u8(0..25) > 0 {
        return name.to_string();
    }
    let at = rng.usize(1..chars.len());
    let times = if rng.bool() { 2 } else { 0 };
    chars
        .iter()
        .enumerate()
        .flat_map(|(i, &c)| std::iter::repeat_n(c, if i == at { times } else { 1 }))
        .collect()
}

/// The city as typed on one order: its usual spelling, another one, capitals.
pub fn city_form(rng: &mut fastrand::Rng, country: &Country, door: &Door) -> String {
    let spellings = country.cities[door.city];
    let usual = if door.arabic {
        spellings[spellings.len() - 1]
    } else {
        spellings[0]
    };
    match rng.u8(0..10) {
        0..=5 => usual.to_string(),
        6 | 7 => pick(rng, spellings).to_string(),
        _ => usual.to_uppercase(),
    }
}

/// An address field that is junk.
pub fn junk_address(rng: &mut fastrand::Rng) -> String {
    pick(
        rng,
        &[
            "xxxx",
            "test",
            "asdfgh",
            "no address",
            "لا يوجد",
            "qwerty",
            "تست",
            "sans adresse",
            "aaaa",
        ],
    )
    .to_string()
}
