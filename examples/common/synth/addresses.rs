//! Delivery addresses: a customer's door (street, house number, flat, district, city) and the
//! ways they write it from order to order, in Latin letters or Arabic script.

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

/// The street a door is on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Street {
    /// An index into the named streets.
    Named(usize),
    /// A numbered street of a newer district ("Rue 112").
    Numbered(u32),
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
}

impl Door {
    /// The building: city, street and house number.
    pub fn building(&self) -> (usize, Street, u32) {
        (self.city, self.street, self.house)
    }
}

/// A door in `country`: a named street most of the time, else a numbered one; a flat for
/// almost half of the customers.
pub fn door(rng: &mut fastrand::Rng, country: &Country) -> Door {
    let arabic = country.code != "FR" && rng.u8(0..5) < 2;
    let street = if rng.u8(0..6) == 0 {
        Street::Numbered(rng.u32(1..400))
    } else {
        Street::Named(rng.usize(..STREETS.len()))
    };
    let types = if arabic { ARABIC_TYPES } else { LATIN_TYPES };
    Door {
        city: rng.usize(..country.cities.len()),
        street,
        street_type: rng.usize(..types.len()),
        house: rng.u32(1..250),
        flat: (rng.u8(0..20) < 9).then(|| rng.u32(1..40)),
        district: rng.bool().then(|| rng.usize(..DISTRICTS.len())),
        arabic,
    }
}

/// A neighbour's door: the same building, another flat.
pub fn neighbour(rng: &mut fastrand::Rng, of: &Door) -> Door {
    let flat = loop {
        let f = rng.u32(1..40);
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
    let text = if door.arabic {
        arabic_address(rng, door)
    } else {
        latin_address(rng, door)
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
    };
    let h = door.house;
    let mut out = match rng.u8(0..5) {
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
    let kind = pick(rng, ARABIC_TYPES[door.street_type]);
    let name = match door.street {
        Street::Named(i) => STREETS[i].1.to_string(),
        Street::Numbered(n) => n.to_string(),
    };
    let h = door.house;
    let mut out = match rng.u8(0..3) {
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
    if rng.u8(0..5) == 0 {
        out = out
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_u32('٠' as u32 + d).unwrap_or(c),
                _ => c,
            })
            .collect();
    }
    out
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
