//! The bench stream: order histories of any size for the scale and engine benches, customers
//! with 1 to 5 orders in six countries, phones in varied formats, Arabic and French addresses,
//! shared streets and names. No ground truth: the benches measure cost, not accuracy.
//!
//! Frozen: the README's scale figures were measured on exactly this stream (seed 7), so its
//! tables and its draws stay as they are; the labelled generator is [`super::generate`].

use codguard::{HistoryRecord, Order, Outcome};

use super::countries::dialling_code;
use super::pick;

const FIRST: &[&str] = &[
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Omar",
    "Khalid",
    "Hassan",
    "Ali",
    "Karim",
    "Rachid",
    "Said",
    "Fatima",
    "Khadija",
    "Salma",
    "Nour",
    "Imane",
    "Hanane",
    "Sara",
    "Meryem",
    "Aicha",
    "Zineb",
    "محمد",
    "أحمد",
    "يوسف",
    "عمر",
    "خالد",
    "فاطمة",
    "خديجة",
    "سلمى",
    "نور",
    "مريم",
];
const LAST: &[&str] = &[
    "Alaoui",
    "Benali",
    "Tazi",
    "Idrissi",
    "Bennani",
    "Chraibi",
    "El Amrani",
    "Haddad",
    "Mansour",
    "Khalil",
    "Ibrahim",
    "Hassani",
    "Berrada",
    "Filali",
    "Lahlou",
    "Kettani",
    "Sqalli",
    "Naciri",
    "العلوي",
    "بن علي",
    "التازي",
    "الإدريسي",
    "بناني",
    "حداد",
    "منصور",
    "خليل",
    "إبراهيم",
    "الحسني",
];
const STREETS: &[&str] = &[
    "Rue Palestine",
    "Avenue Hassan II",
    "Boulevard Mohammed V",
    "Rue Ibn Battouta",
    "Rue Allal Ben Abdellah",
    "Boulevard Zerktouni",
    "Avenue des FAR",
    "Rue de Marseille",
    "Rue Larbi Ben M'hidi",
    "Avenue Habib Bourguiba",
    "شارع الجيش الملكي",
    "زنقة ابن بطوطة",
    "شارع محمد الخامس",
    "شارع التحرير",
    "شارع الحسن الثاني",
];
/// (country, cities, national mobile prefixes, digits after the prefix)
const COUNTRIES: &[(&str, &[&str], &[&str], usize)] = &[
    (
        "MA",
        &[
            "Casablanca",
            "Rabat",
            "Fes",
            "Marrakech",
            "Tanger",
            "Agadir",
        ],
        &["06", "07"],
        8,
    ),
    (
        "EG",
        &["Cairo", "Giza", "Alexandria", "Tanta"],
        &["010", "011", "012", "015"],
        8,
    ),
    (
        "SA",
        &["Riyadh", "Jeddah", "Dammam"],
        &["050", "053", "055"],
        7,
    ),
    (
        "DZ",
        &["Alger", "Oran", "Constantine"],
        &["05", "06", "07"],
        8,
    ),
    ("TN", &["Tunis", "Sfax", "Sousse"], &["2", "5", "9"], 7),
    (
        "AE",
        &["Dubai", "Abu Dhabi", "Sharjah"],
        &["050", "052", "055"],
        7,
    ),
];
const OUTCOMES: &[Outcome] = &[
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Refused,
    Outcome::Returned,
    Outcome::Cancelled,
    Outcome::Unconfirmed,
    Outcome::Unreachable,
];

/// A customer: the fixed facts every order of theirs varies around.
struct Customer {
    name: String,
    national: String,
    email: String,
    address: String,
    city: &'static str,
    country: &'static str,
}

fn customer(rng: &mut fastrand::Rng, i: usize) -> Customer {
    let (country, cities, prefixes, digits) = *pick(rng, COUNTRIES);
    let mut national = pick(rng, prefixes).to_string();
    for _ in 0..digits {
        national.push(char::from(b'0' + rng.u8(0..10)));
    }
    let first = pick(rng, FIRST);
    let last = pick(rng, LAST);
    let city = *pick(rng, cities);
    // A shop that serves more customers reaches more streets: customers live at distinct
    // doors, as households do, with a few neighbours per building. Named streets (long
    // boulevards) and the numbered streets of newer districts ("Rue 112"), more of them the more
    // customers there are, so that the doors stay about as crowded at 5M orders as at 100k.
    let kind = pick(rng, &["Rue", "Avenue", "Boulevard", "زنقة", "شارع"]);
    let numbered = (i / 300).max(800) as u32;
    let (street, house) = match rng.u8(0..5) {
        0 => (pick(rng, STREETS).to_string(), rng.u32(1..1000)),
        1 => (format!("{kind} {}", pick(rng, LAST)), rng.u32(1..1000)),
        _ => (format!("{kind} {}", rng.u32(1..numbered)), rng.u32(1..300)),
    };
    let address = if rng.bool() {
        format!("{house} {street}, Appt {}", rng.u32(1..40))
    } else {
        format!("{house} {street}")
    };
    let email = if rng.u8(0..3) == 0 {
        String::new()
    } else {
        format!("cust{i}.{}@gmail.com", rng.u32(0..1000))
    };
    Customer {
        name: format!("{first} {last}"),
        national,
        email,
        address,
        city,
        country,
    }
}

fn order(rng: &mut fastrand::Rng, c: &Customer, id: usize, t: i64) -> Order {
    let phone = match rng.u8(0..4) {
        0 => c.national.clone(),
        1 => format!(
            "00{}{}",
            dialling_code(c.country),
            c.national.trim_start_matches('0')
        ),
        2 => format!(
            "+{} {}",
            dialling_code(c.country),
            c.national.trim_start_matches('0')
        ),
        _ => c
            .national
            .chars()
            .enumerate()
            .fold(String::new(), |mut s, (i, ch)| {
                if i > 0 && i % 2 == 0 {
                    s.push(' ');
                }
                s.push(ch);
                s
            }),
    };
    Order {
        order_id: format!("o-{id:09}").into(),
        placed_at: t,
        name: if rng.bool() {
            c.name.clone()
        } else {
            c.name.to_uppercase()
        },
        phone,
        email: c.email.clone(),
        address: c.address.clone(),
        city: c.city.into(),
        country: c.country.into(),
        total: f64::from(rng.u32(50..2000)),
        currency: String::new(),
    }
}

/// `n` past orders and `queries` new orders of returning customers, deterministically.
pub fn synth(n: usize, queries: usize) -> (Vec<HistoryRecord>, Vec<Order>) {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut history = Vec::with_capacity(n);
    let mut customers = Vec::new();
    let mut t = 1_600_000_000i64;
    while history.len() < n {
        let c = customer(&mut rng, customers.len());
        for _ in 0..rng.usize(1..=5) {
            if history.len() == n {
                break;
            }
            t += rng.i64(1..120);
            let o = order(&mut rng, &c, history.len(), t);
            history.push(HistoryRecord {
                order: o,
                outcome: *pick(&mut rng, OUTCOMES),
                negotiated: rng.u8(0..10) == 0,
            });
        }
        customers.push(c);
    }
    let queries = (0..queries)
        .map(|i| {
            let c = &customers[rng.usize(..customers.len())];
            order(&mut rng, c, n + i, t + 86_400)
        })
        .collect();
    (history, queries)
}
