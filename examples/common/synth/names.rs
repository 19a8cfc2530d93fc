//! Customers' names: each name a set of Latin transliterations and its Arabic spelling, and
//! the ways one customer writes theirs from order to order.

use super::pick;

/// A given name or a family name: Latin spellings (the most common first) and the Arabic one.
pub type Name = (&'static [&'static str], &'static str);

pub const FIRST: &[Name] = &[
    (&["Mohamed", "Mohammed", "Muhammad", "Mohammad"], "محمد"),
    (&["Ahmed", "Ahmad"], "أحمد"),
    (&["Youssef", "Yousef", "Youcef", "Yusuf"], "يوسف"),
    (&["Omar", "Umar"], "عمر"),
    (&["Khalid", "Khaled"], "خالد"),
    (&["Hassan", "Hasan"], "حسن"),
    (&["Ali"], "علي"),
    (&["Karim", "Kareem"], "كريم"),
    (&["Rachid", "Rashid"], "رشيد"),
    (&["Said", "Saeed"], "سعيد"),
    (&["Yassine", "Yasin", "Yacine"], "ياسين"),
    (&["Amine", "Amin"], "أمين"),
    (&["Hamza"], "حمزة"),
    (&["Abdellah", "Abdallah", "Abdullah"], "عبد الله"),
    (&["Hicham", "Hisham"], "هشام"),
    (&["Mustapha", "Mostafa", "Mustafa"], "مصطفى"),
    (&["Mahmoud", "Mahmud"], "محمود"),
    (&["Ibrahim", "Brahim"], "إبراهيم"),
    (&["Samir"], "سمير"),
    (&["Tarek", "Tariq"], "طارق"),
    (&["Fatima", "Fatma", "Fatimah"], "فاطمة"),
    (&["Khadija", "Khadidja", "Khadijah"], "خديجة"),
    (&["Salma", "Selma"], "سلمى"),
    (&["Nour", "Nur", "Noor"], "نور"),
    (&["Imane", "Iman"], "إيمان"),
    (&["Meryem", "Maryam", "Meriem"], "مريم"),
    (&["Aicha", "Aisha"], "عائشة"),
    (&["Zineb", "Zaynab", "Zeinab"], "زينب"),
    (&["Layla", "Leila", "Laila"], "ليلى"),
    (&["Nadia"], "نادية"),
    (&["Hanane", "Hanan"], "حنان"),
    (&["Sara", "Sarah"], "سارة"),
    (&["Souad", "Suad"], "سعاد"),
    (&["Asmaa", "Asma"], "أسماء"),
];

pub const LAST: &[Name] = &[
    (&["Alaoui", "El Alaoui", "Elalaoui"], "العلوي"),
    (&["Benali", "Ben Ali", "Bin Ali"], "بن علي"),
    (&["Tazi", "Ettazi", "El Tazi"], "التازي"),
    (&["El Idrissi", "Idrissi", "Elidrissi"], "الإدريسي"),
    (&["Bennani", "Benani"], "بناني"),
    (&["Chraibi", "Cheraibi"], "الشرايبي"),
    (&["El Amrani", "Amrani", "Elamrani"], "العمراني"),
    (&["Haddad"], "حداد"),
    (&["Mansour", "Mansur"], "منصور"),
    (&["Khalil"], "خليل"),
    (&["El Hassani", "Hassani"], "الحسني"),
    (&["Berrada"], "برادة"),
    (&["Filali", "El Filali"], "الفيلالي"),
    (&["Lahlou"], "لحلو"),
    (&["Kettani", "El Kettani"], "الكتاني"),
    (&["Cherkaoui", "Charkaoui"], "الشرقاوي"),
    (&["Ziani", "Zayani"], "الزياني"),
    (&["Saidi", "Essaidi"], "السعيدي"),
    (&["Trabelsi"], "الطرابلسي"),
    (&["Ben Salah", "Bensalah"], "بن صالح"),
    (&["Hamdi"], "حمدي"),
    (&["Abdelaziz", "Abd El Aziz"], "عبد العزيز"),
    (&["Al Otaibi", "Alotaibi", "Otaibi"], "العتيبي"),
    (&["Al Ghamdi", "Alghamdi"], "الغامدي"),
    (&["Boukhari", "Bukhari"], "البخاري"),
    (&["Mebarki", "Mbarki"], "مباركي"),
    (&["Saleh", "Salih"], "صالح"),
    (&["Naciri", "Nasiri"], "الناصري"),
];

/// A customer's name: indices into [`FIRST`] and [`LAST`], the Latin spellings they use, and
/// whether they usually write it in Arabic script.
#[derive(Clone, Copy)]
pub struct PersonName {
    pub first: usize,
    pub last: usize,
    first_spelling: usize,
    last_spelling: usize,
    arabic: bool,
}

impl PersonName {
    /// Two names are the same person's name to a reader: same given and family name.
    pub fn same_as(&self, other: &PersonName) -> bool {
        self.first == other.first && self.last == other.last
    }
}

/// A name; one customer in three writes it in Arabic script.
pub fn person_name(rng: &mut fastrand::Rng) -> PersonName {
    let first = rng.usize(..FIRST.len());
    let last = rng.usize(..LAST.len());
    spelt(rng, first, last)
}

/// Another person with the same given and family name (a namesake), spelt their own way.
pub fn namesake(rng: &mut fastrand::Rng, of: &PersonName) -> PersonName {
    spelt(rng, of.first, of.last)
}

/// The members of one household (`synth --households`): `members` people with one family name
/// and given names of their own, no two alike (a parent and their children: Saad, Fahd and
/// Mashael Al-Qahtani). The family writes its name the same way in Latin letters; each member
/// picks their own spelling of the given name and their own script.
pub fn family(rng: &mut fastrand::Rng, members: usize) -> Vec<PersonName> {
    let last = rng.usize(..LAST.len());
    let last_spelling = usual_spelling(rng, LAST[last].0.len());
    let mut family: Vec<PersonName> = Vec::with_capacity(members);
    while family.len() < members {
        let first = rng.usize(..FIRST.len());
        if family.iter().all(|m| m.first != first) {
            family.push(PersonName {
                last_spelling,
                ..spelt(rng, first, last)
            });
        }
    }
    family
}

/// The name `first last`, with the spellings and the script one customer uses.
fn spelt(rng: &mut fastrand::Rng, first: usize, last: usize) -> PersonName {
    PersonName {
        first,
        last,
        first_spelling: usual_spelling(rng, FIRST[first].0.len()),
        last_spelling: usual_spelling(rng, LAST[last].0.len()),
        arabic: rng.u8(0..3) == 0,
    }
}

/// Most people write the first spelling of the table; the rest pick another.
fn usual_spelling(rng: &mut fastrand::Rng, spellings: usize) -> usize {
    if rng.u8(0..3) == 0 {
        rng.usize(..spellings)
    } else {
        0
    }
}

/// The name as typed on one order: the customer's usual spelling most of the time, else
/// another transliteration, the other script, capitals, lower case, or family name first.
pub fn name_form(rng: &mut fastrand::Rng, name: &PersonName) -> String {
    let (first, last) = (&FIRST[name.first], &LAST[name.last]);
    let latin = |f: usize, l: usize| format!("{} {}", first.0[f], last.0[l]);
    // Keyboards and habits: now and then the hamza on alef dropped, taa marbuta typed as haa.
    let careless = rng.u8(0..8) == 0;
    let arabic = || {
        let name = format!("{} {}", first.1, last.1);
        if careless {
            name.replace(['أ', 'إ'], "ا").replace('ة', "ه")
        } else {
            name
        }
    };
    let usual = if name.arabic {
        arabic()
    } else {
        latin(name.first_spelling, name.last_spelling)
    };
    match rng.u8(0..40) {
        0..=25 => usual,
        26..=29 => latin(rng.usize(..first.0.len()), rng.usize(..last.0.len())),
        30..=32 => usual.to_uppercase(),
        33 | 34 => usual.to_lowercase(),
        35 | 36 => format!(
            "{} {}",
            last.0[name.last_spelling], first.0[name.first_spelling]
        ),
        _ if name.arabic => latin(name.first_spelling, name.last_spelling),
        _ => arabic(),
    }
}

/// A name field that is junk: a test word, a keyboard mash, one letter.
pub fn junk_name(rng: &mut fastrand::Rng) -> String {
    pick(
        rng,
        &[
            "test",
            "Test Test",
            "xxx",
            "asdf",
            "qwerty",
            "a",
            "aaa",
            "تست",
            "azerty",
            "x x",
        ],
    )
    .to_string()
}

/// Picks a name of a neighbour: shares neither the given nor the family name of `avoid`.
pub fn other_name(rng: &mut fastrand::Rng, avoid: &[PersonName]) -> PersonName {
    loop {
        let n = person_name(rng);
        if avoid.iter().all(|a| a.first != n.first && a.last != n.last) {
            return n;
        }
    }
}
