//! The linking rules on customers as they write: one person's many spellings behind one phone,
//! one city in two scripts, and the members of one household. Every case is assessed by the
//! in-memory engine and through a simulated shop database, which must agree.

#[path = "common/db.rs"]
mod db;

use codguard::assessment::{Assessment, CustomerClass, Evidence};
use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::store::Store;
use codguard::{HistoryRecord, Order, Outcome};
use db::Db;

/// An order: id, name, phone, email, address, city, country.
fn order(id: &str, fields: [&str; 6]) -> Order {
    let [name, phone, email, address, city, country] = fields;
    Order {
        order_id: id.into(),
        placed_at: 1_700_000_000 + 86_400 * i64::from(id.bytes().map(u32::from).sum::<u32>()),
        name: name.into(),
        phone: phone.into(),
        email: email.into(),
        address: address.into(),
        city: city.into(),
        country: country.into(),
        total: 300.0,
        currency: String::new(),
    }
}

fn past(id: &str, fields: [&str; 6], outcome: Outcome) -> HistoryRecord {
    HistoryRecord {
        order: order(id, fields),
        outcome,
        negotiated: false,
    }
}

/// Assesses `query` against `history` in the engine and through the store; they must agree.
fn assess(history: &[HistoryRecord], query: &Order) -> Assessment {
    let mut engine = Engine::new(PolicyConfig::default());
    engine.add_history(history.to_vec()).unwrap();
    let want = engine.assess(query).unwrap();
    let store = Store::new(PolicyConfig::default(), b"linking");
    let mut db = Db::default();
    for r in history {
        db.add(&store, r);
    }
    assert_eq!(db.assess(&store, query), want, "store and engine differ");
    want
}

fn ids(a: &Assessment) -> Vec<&str> {
    let mut v: Vec<&str> = a.matches.iter().map(|m| m.order_id.as_str()).collect();
    v.sort_unstable();
    v
}

fn evidence<'a>(a: &'a Assessment, id: &str) -> &'a [Evidence] {
    &a.matches
        .iter()
        .find(|m| m.order_id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} is not matched: {:?}", ids(a)))
        .evidence
}

// Rule 1: a phone or email counts the people behind it, not the spellings of one name.

/// Five spellings of one customer's name (scripts, father's name, abbreviation, article), one
/// phone, one door: all of her orders are hers.
#[test]
fn one_customer_five_spellings_one_phone() {
    // Spellings that score under the name threshold against one another (a script the keys
    // do not see through yet, an initial, a glued article, the father's name), at one door.
    let cases: [(&str, [&str; 5], [&str; 3]); 4] = [
        (
            "TN",
            [
                "Lazhar Dhaoui",
                "الازهر الضاوي",
                "El Azhar Edhaoui",
                "Dhaoui L.",
                "Lazhar Dhaoui Ben Salah",
            ],
            ["22 418 937", "15 Rue de Marseille", "Sfax"],
        ),
        (
            "EG",
            [
                "Moamen Ahmed Said",
                "مؤمن احمد سعيد",
                "Mou'men Saeed",
                "M. Said",
                "Moamen Said",
            ],
            ["0100 428 7391", "12 ش التحرير، الدقي", "Giza"],
        ),
        (
            "DZ",
            [
                "Abdelhafid Lirki",
                "عبد الحفيظ لرقي",
                "A. Lirki",
                "Abdelhafidh Larki",
                "Abdelhafid Ben Ahmed Lirki",
            ],
            ["0661 47 29 83", "7 Rue Emir Abdelkader", "Oran"],
        ),
        (
            "SA",
            [
                "Mashael Al-Qahtani",
                "مشاعل القحطاني",
                "Mashail Qahtani",
                "M. Alqahtani",
                "مشاعل سعد القحطاني",
            ],
            [
                "055 318 4927",
                "Villa 12, Al Olaya Street, Al Malaz",
                "Riyadh",
            ],
        ),
    ];
    for (country, names, [phone, address, city]) in cases {
        let history: Vec<HistoryRecord> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                past(
                    &format!("{country}-{i}"),
                    [name, phone, "", address, city, country],
                    Outcome::Delivered,
                )
            })
            .collect();
        let query = order(
            &format!("{country}-q"),
            [names[0], phone, "", address, city, country],
        );
        let a = assess(&history, &query);
        assert_eq!(a.matches.len(), 5, "{country}: {:?}", a.matches);
        assert_eq!(a.customer_class, CustomerClass::Good, "{country}");
        // Her phone still ties her when she writes from another address.
        let elsewhere = order(
            &format!("{country}-q2"),
            [names[1], phone, "", "", "", country],
        );
        assert_eq!(assess(&history, &elsewhere).matches.len(), 5, "{country}");
    }
}

/// A courier's or relay's phone used by many different people at different doors links
/// nobody, in either script.
#[test]
fn a_relay_phone_with_many_people_links_nobody() {
    let people = [
        ("Omar Filali", "3 Rue Atlas"),
        ("سارة بناني", "9 زنقة فاس"),
        ("Hassan Tahiri", "40 Boulevard Zerktouni"),
        ("إيمان الشرايبي", "2 زنقة مراكش"),
        ("Adil Lahlou", "18 Rue Tarik"),
    ];
    let history: Vec<HistoryRecord> = people
        .iter()
        .enumerate()
        .map(|(i, (name, address))| {
            past(
                &format!("r{i}"),
                [name, "0522 47 19 38", "", address, "Casablanca", "MA"],
                Outcome::Refused,
            )
        })
        .collect();
    let newcomer = order(
        "rq",
        [
            "نادية الكتاني",
            "0522471938",
            "",
            "5 Rue Fes",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(&history, &newcomer);
    assert!(a.matches.is_empty(), "{:?}", ids(&a));
    assert_eq!(a.customer_class, CustomerClass::New);
    // One of them, ordering again at their door, is still found by name and door.
    let again = order(
        "rq2",
        [
            "Omar Filali",
            "0522471938",
            "",
            "3 Rue Atlas",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(&history, &again);
    assert_eq!(ids(&a), ["r0"]);
    assert_eq!(evidence(&a, "r0"), [Evidence::Address, Evidence::Name]);
}

// Rule 2: places compared as places, in any script.

/// One email, one city written in two scripts (or spellings), no phone in common: one
/// customer. Two really different cities with the same email and no phone in common are not.
#[test]
fn one_email_one_city_in_two_scripts() {
    let cases = [
        ("DZ", "Ouargla", "ورقلة", "0661 29 47 53", "0770 82 16 49"),
        ("DZ", "Wargla", "ورقلة", "0661 73 18 52", "0770 31 94 27"),
        (
            "EG",
            "6th of October City",
            "مدينة 6 أكتوبر",
            "0100 527 3819",
            "0122 864 1937",
        ),
        (
            "EG",
            "Al Manzla",
            "المنزلة",
            "0100 693 2841",
            "0122 375 9164",
        ),
        (
            "MA",
            "Hjar Ennhal",
            "حجر النحل",
            "0661 58 39 27",
            "0770 64 28 91",
        ),
        ("SA", "Al Kharj", "الخرج", "050 739 2815", "055 482 6391"),
    ];
    for (country, latin, arabic, phone, other_phone) in cases {
        let email = format!("k.benyoussef.{country}@gmail.com");
        let history = [past(
            "e1",
            ["Karima Benyoussef", phone, &email, "", latin, country],
            Outcome::Refused,
        )];
        let query = order(
            "eq",
            ["كريمة بن يوسف", other_phone, &email, "", arabic, country],
        );
        let a = assess(&history, &query);
        assert_eq!(ids(&a), ["e1"], "{latin} / {arabic}");
        assert!(evidence(&a, "e1").contains(&Evidence::Email));
        assert_eq!(a.customer_class, CustomerClass::Risky);
    }
    let history = [past(
        "e1",
        [
            "Karima Benyoussef",
            "0661 29 47 53",
            "karima.b@gmail.com",
            "",
            "Casablanca",
            "MA",
        ],
        Outcome::Refused,
    )];
    let query = order(
        "eq",
        [
            "Karima Benyoussef",
            "0770 82 16 49",
            "karima.b@gmail.com",
            "",
            "الرباط",
            "MA",
        ],
    );
    assert!(assess(&history, &query).matches.is_empty());
}

/// A city field the gazetteer does not resolve (a spelling it lacks, a town it lacks) is the
/// place, in either script, even when the address ends with a word that names a city elsewhere
/// (a district, "Quartier Maarif", is the Saudi town Al Ma'arif; "Hay Bab El Oued" ends with
/// El Oued): one email, a new phone, one customer. Found by `synth --towns` (issue 17).
#[test]
fn a_district_at_the_end_of_the_address_is_not_the_place() {
    let cases = [
        (
            "SA",
            [
                "Nadia Abdelaziz",
                "0502160822",
                "Av. 70 N° 33, App.19 - Quartier Maarif",
                "النرجس",
            ],
            [
                "نادية عبد العزيز",
                "0558657724",
                "avenue 70 n°33, apt 19",
                "Al Narjis",
            ],
        ),
        (
            "MA",
            [
                "Hicham Saidi",
                "0724986293",
                "Bd Ibn Battouta N 174 Hay Bab El Oued",
                "Knitra",
            ],
            [
                "هشام السعيدي",
                "0710042600",
                "BD IBN BATTOUTA N°174",
                "القنيطرة",
            ],
        ),
        (
            "EG",
            [
                "Salma El Hassani",
                "01275519850",
                "29 Bd Gamal Abdel Nasser",
                "6 October",
            ],
            [
                "سلمى الحسني",
                "01218815968",
                "Boulevard Gamal Abdel Nasser n°29",
                "مدينة 6 أكتوبر",
            ],
        ),
    ];
    for (country, [name, phone, address, city], [name2, phone2, address2, city2]) in cases {
        let email = format!("customer.{country}@gmail.com");
        let history = [past(
            "p1",
            [name, phone, &email, address, city, country],
            Outcome::Refused,
        )];
        let query = order("pq", [name2, phone2, &email, address2, city2, country]);
        let a = assess(&history, &query);
        assert_eq!(ids(&a), ["p1"], "{city} / {city2}");
        assert!(evidence(&a, "p1").contains(&Evidence::Email), "{city}");
        assert_eq!(a.customer_class, CustomerClass::Risky);
    }
}

/// The same name at the same door, the city in another script: the door is the same.
#[test]
fn one_door_one_city_in_two_scripts() {
    let history = [past(
        "d1",
        [
            "Nour Haddad",
            "0661 29 47 53",
            "",
            "14 Rue Emir Abdelkader",
            "Ouargla",
            "DZ",
        ],
        Outcome::Delivered,
    )];
    let query = order(
        "dq",
        [
            "نور حداد",
            "0770 82 16 49",
            "",
            "14 Rue Emir Abdelkader",
            "ورقلة",
            "DZ",
        ],
    );
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["d1"]);
    assert_eq!(evidence(&a, "d1"), [Evidence::Address, Evidence::Name]);
}

/// One address written place first and place last, and two namesakes in one district on two
/// streets: a place segment before the street is not the street (it was: "Maarif, 12 Rue Ibn
/// Battouta" and "Maarif, 12 Rue Al Massira" were one door, street maarif, house 12).
#[test]
fn a_place_written_before_the_street_is_not_the_street() {
    let at = |id: &str, phone: &str, address: &str| {
        past(
            id,
            ["Mohamed Alaoui", phone, "", address, "Casablanca", "MA"],
            Outcome::Delivered,
        )
    };
    let namesake = order(
        "mq",
        [
            "Mohamed Alaoui",
            "0662 71 39 58",
            "",
            "Maarif, 12 Rue Al Massira",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(
        &[at("m1", "0661 47 29 83", "Maarif, 12 Rue Ibn Battouta")],
        &namesake,
    );
    assert_eq!(ids(&a), Vec::<&str>::new());

    let same = order(
        "mq",
        [
            "Mohamed Alaoui",
            "0662 71 39 58",
            "",
            "12 Rue Ibn Battouta, Maarif",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(
        &[at("m1", "0661 47 29 83", "Maarif, 12 Rue Ibn Battouta")],
        &same,
    );
    assert_eq!(ids(&a), ["m1"]);
    assert_eq!(evidence(&a, "m1"), [Evidence::Address, Evidence::Name]);
}

/// A Gulf address with the district first, its marker after the name (Al Narjis District),
/// and the same door written villa first or in Arabic: one door. (It read street narjis.)
#[test]
fn a_district_named_before_its_marker_is_the_district() {
    let history = [past(
        "g1",
        [
            "Abdullah Al Qahtani",
            "0551234567",
            "",
            "Villa 12, Prince Sultan Street, An Narjis",
            "Riyadh",
            "SA",
        ],
        Outcome::Delivered,
    )];
    let query = |address: &str| {
        order(
            "gq",
            [
                "Abdullah Al Qahtani",
                "0559876543",
                "",
                address,
                "Riyadh",
                "SA",
            ],
        )
    };
    for address in [
        "Al Narjis District, Prince Sultan Street, Villa 12",
        "Al Narjis Dist, Prince Sultan St, Villa 12",
    ] {
        let a = assess(&history, &query(address));
        assert_eq!(ids(&a), ["g1"], "{address}");
    }
    // And the Arabic writing of the door, through the cross-script rules.
    let arabic = [past(
        "g2",
        [
            "عبدالله القحطاني",
            "0551234567",
            "",
            "حي النرجس، شارع الأمير سلطان، فيلا 12",
            "الرياض",
            "SA",
        ],
        Outcome::Delivered,
    )];
    let a = assess(
        &arabic,
        &query("Al Narjis District, Prince Sultan Street, Villa 12"),
    );
    assert_eq!(ids(&a), ["g2"]);
    let a = assess(
        &history,
        &query("Al Narjis District, Prince Sultan Street, Villa 14"),
    );
    assert_eq!(ids(&a), Vec::<&str>::new());
}

/// Two homes in one Cairo building, the floor written with the article glued to its digits
/// (الدور ال3) or in the Egyptian spelling (الدور التالت): two floors are two doors.
#[test]
fn egyptian_floor_writings_are_floors() {
    let home = |id: &str, phone: &str, address: &str| {
        past(
            id,
            ["محمد حسن", phone, "", address, "الجيزة", "EG"],
            Outcome::Delivered,
        )
    };
    let third = [home("f1", "01004829371", "15 ش مصدق الدقي الدور ال3")];
    let query = |address: &str| {
        order(
            "fq",
            ["محمد حسن", "01227384915", "", address, "الجيزة", "EG"],
        )
    };
    let a = assess(&third, &query("15 ش مصدق الدقي الدور ال5"));
    assert_eq!(ids(&a), Vec::<&str>::new());
    let a = assess(&third, &query("15 ش مصدق الدقي الدور التالت"));
    assert_eq!(ids(&a), ["f1"]);
    let a = assess(&third, &query("15 ش مصدق الدقي الدور الخامس"));
    assert_eq!(ids(&a), Vec::<&str>::new());
}

/// Floors written short: ط for طابق after the house number, the ordinal's ending apart from its
/// number (3 eme étage), the ground floor as rdc or rez-de-chaussée. Each is the door of the
/// floor written in full; two floors are two doors.
#[test]
fn short_floor_writings_are_floors() {
    let cairo = [past(
        "e1",
        [
            "محمد حسن",
            "01004829371",
            "",
            "15 ش مصدق الدقي الدور 3",
            "الجيزة",
            "EG",
        ],
        Outcome::Delivered,
    )];
    let casa = [
        past(
            "m1",
            [
                "Karim Benali",
                "0612345678",
                "",
                "12 Rue Ibn Battouta, 3ème étage",
                "Casablanca",
                "MA",
            ],
            Outcome::Delivered,
        ),
        past(
            "m2",
            [
                "Karim Benali",
                "0623456789",
                "",
                "40 Rue Ibn Battouta, rez-de-chaussée",
                "Casablanca",
                "MA",
            ],
            Outcome::Delivered,
        ),
    ];
    let query = |fields: [&str; 6]| order("q", fields);
    let eg = |address| query(["محمد حسن", "01227384915", "", address, "الجيزة", "EG"]);
    let ma = |address| {
        query([
            "Karim Benali",
            "0698765432",
            "",
            address,
            "Casablanca",
            "MA",
        ])
    };
    assert_eq!(ids(&assess(&cairo, &eg("15 ش مصدق الدقي ط 3"))), ["e1"]);
    assert_eq!(ids(&assess(&cairo, &eg("15 ش مصدق الدقي ط٣"))), ["e1"]);
    assert_eq!(
        ids(&assess(&cairo, &eg("15 ش مصدق الدقي ال3 الدور"))),
        ["e1"]
    );
    assert_eq!(
        ids(&assess(&cairo, &eg("15 ش مصدق الدقي ط 5"))),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&assess(&casa, &ma("12 Rue Ibn Battouta, 3 eme etage"))),
        ["m1"]
    );
    assert_eq!(
        ids(&assess(&casa, &ma("12 Rue Ibn Battouta, 2 ème étage"))),
        Vec::<&str>::new()
    );
    assert_eq!(ids(&assess(&casa, &ma("40 Rue Ibn Battouta, RDC"))), ["m2"]);
    assert_eq!(
        ids(&assess(&casa, &ma("40 Rue Ibn Battouta, R.D.C"))),
        ["m2"]
    );
    assert_eq!(
        ids(&assess(&casa, &ma("40 Rue Ibn Battouta, 1er étage"))),
        Vec::<&str>::new()
    );
}

// Rule 3: no sibling chains; evidence is what the two orders share.

/// Two siblings and a parent at one villa, ordering with the family phone: each is their own
/// customer. Mashael's new order finds Mashael's past orders, not her brother's refusal.
#[test]
fn two_siblings_and_a_parent_at_one_villa_with_the_family_phone() {
    let villa = "Villa 7, Al Olaya Street, Al Malaz";
    let villa_ar = "فيلا 7، شارع العليا، حي الملز";
    let phone = "055 718 3942";
    let history = [
        past(
            "parent",
            ["Saad Alqahtani", phone, "", villa, "Riyadh", "SA"],
            Outcome::Delivered,
        ),
        past(
            "fahd-1",
            ["Fahd Alqahtani", phone, "", villa, "Riyadh", "SA"],
            Outcome::Refused,
        ),
        past(
            "fahd-2",
            ["فهد القحطاني", phone, "", villa_ar, "الرياض", "SA"],
            Outcome::Returned,
        ),
        past(
            "mashael-1",
            ["Mashael Alqahtani", phone, "", villa, "Riyadh", "SA"],
            Outcome::Delivered,
        ),
        past(
            "mashael-2",
            ["مشاعل القحطاني", phone, "", villa_ar, "الرياض", "SA"],
            Outcome::Delivered,
        ),
    ];
    let query = order(
        "mq",
        [
            "مشاعل القحطاني",
            "+966557183942",
            "",
            villa_ar,
            "الرياض",
            "SA",
        ],
    );
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["mashael-1", "mashael-2"]);
    assert_eq!(a.customer_class, CustomerClass::Good);
    assert_eq!(
        evidence(&a, "mashael-1"),
        [Evidence::Phone, Evidence::Address, Evidence::Name]
    );
    // Fahd, in Latin script this time, finds his own refusals.
    let query = order("fq", ["Fahd Al-Qahtani", phone, "", villa, "Riyadh", "SA"]);
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["fahd-1", "fahd-2"]);
    assert_eq!(a.customer_class, CustomerClass::Risky);
    // The parent, in Arabic script, finds the parent's order, none of the children's.
    let query = order("pq", ["سعد القحطاني", phone, "", villa_ar, "الرياض", "SA"]);
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["parent"]);
    assert_eq!(a.customer_class, CustomerClass::Good);
    // The family's email does not tie them either (Morocco, one flat, two sisters).
    let history = [past(
        "sister",
        [
            "Khadija Tazi",
            "0661 58 39 27",
            "famille.tazi@gmail.com",
            "5 Rue Fes, Appt 2",
            "Rabat",
            "MA",
        ],
        Outcome::Refused,
    )];
    let query = order(
        "sq",
        [
            "فاطمة التازي",
            "0661 58 39 27",
            "famille.tazi@gmail.com",
            "5 زنقة فاس، شقة 2",
            "الرباط",
            "MA",
        ],
    );
    let a = assess(&history, &query);
    assert!(a.matches.is_empty(), "{:?}", ids(&a));
}

/// An order whose name says nothing (junk, none, initials) on a family's phone is none of the
/// family's: any of them may have placed it. On one person's phone it is that person's.
#[test]
fn a_name_that_says_nothing_on_the_family_phone_is_no_members() {
    let flat = "Al Nakhil Tower, Floor 2, Flat 54";
    let flat_ar = "برج النخيل، الدور 2، شقة 54";
    let phone = "012 96 99 16 82";
    let history = [
        past(
            "hanane",
            ["Hanane El Idrissi", phone, "", flat, "Mansoura", "EG"],
            Outcome::Refused,
        ),
        past(
            "khalid-1",
            [
                "KHALID EL IDRISSI",
                "01296991682",
                "",
                flat,
                "Mansoura",
                "EG",
            ],
            Outcome::Delivered,
        ),
        past(
            "khalid-2",
            [
                "خالد الإدريسي",
                "+20 129 699 1682",
                "",
                flat_ar,
                "المنصورة",
                "EG",
            ],
            Outcome::Delivered,
        ),
    ];
    for junk in ["qwerty", "x x", "xxx", "test test", ""] {
        let query = order("q", [junk, "(+20) 1296991682", "", flat, "Mansoura", "EG"]);
        let a = assess(&history, &query);
        assert!(a.matches.is_empty(), "{junk:?}: {:?}", ids(&a));
    }
    // A member's own name still finds that member's orders, and only theirs.
    let query = order("kq", ["Khaled Idrissi", phone, "", flat, "Mansoura", "EG"]);
    assert_eq!(ids(&assess(&history, &query)), ["khalid-1", "khalid-2"]);
    // One person's phone (Algeria, in both scripts): a junk or missing name is that person's.
    let history = [
        past(
            "yacine-1",
            [
                "Yacine Boudiaf",
                "0550 12 34 87",
                "",
                "Cité 200 Logements, Bt 4, Appt 9",
                "Sétif",
                "DZ",
            ],
            Outcome::Delivered,
        ),
        past(
            "yacine-2",
            [
                "ياسين بوضياف",
                "+213550123487",
                "",
                "حي 200 مسكن عمارة 4 شقة 9",
                "سطيف",
                "DZ",
            ],
            Outcome::Refused,
        ),
    ];
    for junk in ["azerty", "x x", ""] {
        let query = order("q", [junk, "0550123487", "", "", "Setif", "DZ"]);
        let a = assess(&history, &query);
        assert_eq!(ids(&a), ["yacine-1", "yacine-2"], "{junk:?}");
    }
}

/// A link through a third order: a customer's old order is reached through the order that
/// carries both her old and her new phone only if it still shares something she owns with the
/// new order; its evidence is what the two share, never the third order's link.
#[test]
fn a_link_through_a_third_order_needs_something_the_customer_owns() {
    let history = [
        // Her order with her old phone and her email.
        past(
            "old-phone",
            [
                "Imane Chraibi",
                "0661 39 81 74",
                "imane.chraibi@gmail.com",
                "",
                "Casablanca",
                "MA",
            ],
            Outcome::Delivered,
        ),
        // Her order with her old phone, her name in Arabic, at her flat.
        past(
            "old-flat",
            [
                "إيمان الشرايبي",
                "0661 39 81 74",
                "",
                "21 Rue Ibn Sina, Appt 9",
                "Casablanca",
                "MA",
            ],
            Outcome::Refused,
        ),
        // A namesake in another town who typed the same plausible email.
        past(
            "namesake",
            [
                "Imane Chraibi",
                "0770 29 53 81",
                "imane.chraibi@gmail.com",
                "3 Rue Atlas",
                "Fes",
                "MA",
            ],
            Outcome::Refused,
        ),
    ];
    // Her new order: new phone, her email, another flat in the same city.
    let query = order(
        "iq",
        [
            "Imane Chraibi",
            "0699 42 71 38",
            "imane.chraibi@gmail.com",
            "",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["old-flat", "old-phone"]);
    // Reached through "old-phone" (same phone): shares her name and city, not her phone.
    assert_eq!(evidence(&a, "old-flat"), [Evidence::Name]);
    assert_eq!(evidence(&a, "old-phone"), [Evidence::Email, Evidence::Name]);
    let chained = a
        .matches
        .iter()
        .find(|m| m.order_id.as_str() == "old-flat")
        .unwrap();
    assert!(chained.score < a.matches[0].score);
}

/// Every match's evidence names only fields the two orders share, on the example shop.
#[test]
fn evidence_names_only_fields_the_two_orders_share() {
    let history: Vec<HistoryRecord> =
        Engine::parse_jsonl(include_str!("../../examples/data/history.jsonl")).unwrap();
    let queries: Vec<Order> =
        Engine::parse_jsonl(include_str!("../../examples/data/queries.jsonl")).unwrap();
    let mut engine = Engine::new(PolicyConfig::default());
    engine.add_history(history.clone()).unwrap();
    let phone = |o: &Order| codguard::normalize::normalize_phone(&o.phone, &o.country).ok();
    let email = |o: &Order| {
        codguard::normalize::normalize_email(&o.email)
            .ok()
            .map(|e| e.key)
    };
    let mut checked = 0;
    for q in &queries {
        for m in engine.assess(q).unwrap().matches {
            let past = &history
                .iter()
                .find(|r| r.order.order_id == m.order_id)
                .unwrap()
                .order;
            if m.evidence.contains(&Evidence::Phone) {
                assert_eq!(phone(q), phone(past), "{} ~ {}", q.order_id, past.order_id);
                assert!(phone(q).is_some());
            }
            if m.evidence.contains(&Evidence::Email) {
                assert_eq!(email(q), email(past), "{} ~ {}", q.order_id, past.order_id);
                assert!(email(q).is_some());
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked}");
}

// Cost: a crowded building.

/// A customer in a building of many flats, the neighbours' orders filed under the same door
/// keys: her new order (a new phone) finds her two past orders by flat and name, in Arabic and
/// Latin script, and the walk judges only those: the other flats share no phone, email or door
/// with her, so their names are never compared. A neighbour without a flat number on the
/// order could be her, so it is judged, and not linked (another name).
#[test]
fn a_crowded_building_costs_only_its_customer() {
    let given = [
        "Ahmed", "Youssef", "Omar", "Khalid", "Hassan", "Karim", "Rachid", "Imane", "Hanane",
        "Sara", "Meryem", "Aicha", "Zineb", "Nadia", "Latifa", "Hamza", "Mehdi", "Anas",
    ];
    let family = ["Tazi", "Bennani", "Chraibi", "Lahlou", "Berrada"];
    let mut history: Vec<HistoryRecord> = Vec::new();
    for (k, first) in given.iter().enumerate() {
        let name = format!("{first} {}", family[k % family.len()]);
        let phone = format!("0661 00 {:02} {:02}", k, 50 + k);
        let address = format!("12 Rue Palestine, Appt {}", k + 4);
        history.push(past(
            &format!("n{k}"),
            [&name, &phone, "", &address, "Casablanca", "MA"],
            Outcome::Delivered,
        ));
    }
    // One neighbour wrote no flat: the door alone cannot tell him from her.
    history.push(past(
        "nx",
        [
            "Mehdi Alaoui",
            "0662 11 22 33",
            "",
            "12 Rue Palestine",
            "Casablanca",
            "MA",
        ],
        Outcome::Refused,
    ));
    for (id, name) in [("s1", "Salma Idrissi"), ("s2", "سلمى الإدريسي")] {
        history.push(past(
            id,
            [
                name,
                "0661 98 76 54",
                "",
                "12 Rue Palestine, Appt 3",
                "Casablanca",
                "MA",
            ],
            Outcome::Delivered,
        ));
    }
    let query = order(
        "sq",
        [
            "Salma Idrissi",
            "0707 12 34 56",
            "",
            "12 Rue Palestine Appt 3",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["s1", "s2"]);
    assert_eq!(a.customer_class, CustomerClass::Good);
    let mut engine = Engine::new(PolicyConfig::default());
    engine.add_history(history).unwrap();
    assert_eq!(engine.walk_cost(&query).unwrap(), 3, "s1, s2 and nx judged");
}

// A door needs a number (issue 12): a building is a door only with its flat.

/// Two families of one douar write the same address, which has no house number: the douar is
/// not their door, so a namesake there (a common name, a common family name in a village) is
/// not taken for the customer by the address alone. The customer's own order, with her phone,
/// is still found. In Latin letters and in Arabic script.
#[test]
fn a_douar_without_a_house_number_is_no_door() {
    for (address, city, name, country) in [
        ("Douar Ouled Ahmed", "Settat", "Mohamed Alaoui", "MA"),
        ("دوار أولاد أحمد", "سطات", "محمد العلوي", "MA"),
        ("Douar Sidi Ali", "Setif", "Ahmed Bensalem", "DZ"),
    ] {
        let history = [
            past(
                "n1",
                [name, "0661 29 47 53", "", address, city, country],
                Outcome::Delivered,
            ),
            past(
                "n2",
                [name, "0662 30 11 08", "", address, city, country],
                Outcome::Refused,
            ),
        ];
        let query = order("nq", [name, "0661 29 47 53", "", address, city, country]);
        let a = assess(&history, &query);
        assert_eq!(ids(&a), ["n1"], "{address}: only the order with her phone");
        assert_eq!(evidence(&a, "n1"), [Evidence::Phone, Evidence::Name]);
    }
}

/// A residence's building without the flat is no door either: two namesakes in building 3 of a
/// residence of a hundred flats are not one customer by the address.
#[test]
fn a_building_without_its_flat_is_no_door() {
    for (past_address, new_address, city, name) in [
        (
            "Résidence Al Amal, Imm 3",
            "Residence Al Amal Immeuble 3",
            "Casablanca",
            "Fatima Zahra Bennani",
        ),
        (
            "إقامة الأمل عمارة 3",
            "إقامة الأمل، عمارة 3",
            "الدار البيضاء",
            "فاطمة الزهراء بناني",
        ),
    ] {
        let history = [past(
            "b1",
            [name, "0661 29 47 53", "", past_address, city, "MA"],
            Outcome::Refused,
        )];
        let query = order("bq", [name, "0770 82 16 49", "", new_address, city, "MA"]);
        assert!(ids(&assess(&history, &query)).is_empty(), "{new_address}");
    }
}

/// With the flat the residence's building is a door: the customer at her flat with a new phone
/// is found by the door and her name, in either script; her sister in the same flat (same
/// family name, another given name) is not linked by the door alone.
#[test]
fn a_flat_is_a_door_and_a_sister_there_is_another_customer() {
    let history = [
        past(
            "f1",
            [
                "خديجة بناني",
                "0661 29 47 53",
                "",
                "إقامة الأمل عمارة 3 شقة 12",
                "الدار البيضاء",
                "MA",
            ],
            Outcome::Delivered,
        ),
        past(
            "f2",
            [
                "Salma Bennani",
                "0662 30 11 08",
                "",
                "Résidence Al Amal, Imm 3, Appt 12",
                "Casablanca",
                "MA",
            ],
            Outcome::Refused,
        ),
    ];
    let query = order(
        "fq",
        [
            "Khadija Bennani",
            "0770 82 16 49",
            "",
            "Residence Al Amal Immeuble 3 Appartement 12",
            "Casablanca",
            "MA",
        ],
    );
    let a = assess(&history, &query);
    assert_eq!(ids(&a), ["f1"], "her own order, not her sister's");
    assert_eq!(evidence(&a, "f1"), [Evidence::Address, Evidence::Name]);
}
