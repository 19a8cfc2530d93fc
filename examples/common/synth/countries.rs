//! The countries a synthetic shop ships to: dialling code, currency, mobile numbering and
//! cities, each city with the spellings customers type for it.

/// One country of the synthetic shop.
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// Share of the shop's customers, in percent (the table sums to 100).
    pub weight: u32,
    /// Country calling code, without `+`.
    pub dialling: &'static str,
    /// The trunk prefix dialled before a national number (`"0"`), or `""` where there is none.
    pub trunk: &'static str,
    /// Mobile prefixes after the trunk prefix, and the number of digits after the prefix.
    pub mobile: (&'static [&'static str], usize),
    pub currency: &'static str,
    /// Each city as the ways customers write it: the usual Latin spelling first, then other
    /// Latin spellings and the Arabic one.
    pub cities: &'static [&'static [&'static str]],
}

pub const COUNTRIES: &[Country] = &[
    Country {
        code: "MA",
        weight: 30,
        dialling: "212",
        trunk: "0",
        mobile: (&["6", "7"], 8),
        currency: "MAD",
        cities: &[
            &["Casablanca", "Casa", "الدار البيضاء"],
            &["Rabat", "الرباط"],
            &["Fès", "Fes", "فاس"],
            &["Marrakech", "مراكش"],
            &["Tanger", "Tangier", "طنجة"],
            &["Agadir", "أكادير"],
            &["Kenitra", "القنيطرة"],
            &["Meknès", "Meknes", "مكناس"],
            &["Oujda", "وجدة"],
        ],
    },
    Country {
        code: "EG",
        weight: 20,
        dialling: "20",
        trunk: "0",
        mobile: (&["10", "11", "12", "15"], 8),
        currency: "EGP",
        cities: &[
            &["Cairo", "Le Caire", "القاهرة"],
            &["Giza", "الجيزة"],
            &["Alexandria", "Alexandrie", "الإسكندرية"],
            &["Tanta", "طنطا"],
            &["Mansoura", "المنصورة"],
        ],
    },
    Country {
        code: "DZ",
        weight: 12,
        dialling: "213",
        trunk: "0",
        mobile: (&["5", "6", "7"], 8),
        currency: "DZD",
        cities: &[
            &["Alger", "Algiers", "الجزائر"],
            &["Oran", "وهران"],
            &["Constantine", "قسنطينة"],
            &["Annaba", "عنابة"],
            &["Blida", "البليدة"],
        ],
    },
    Country {
        code: "SA",
        weight: 12,
        dialling: "966",
        trunk: "0",
        mobile: (&["50", "53", "54", "55", "56", "59"], 7),
        currency: "SAR",
        cities: &[
            &["Riyadh", "الرياض"],
            &["Jeddah", "Djeddah", "جدة"],
            &["Dammam", "الدمام"],
        ],
    },
    Country {
        code: "TN",
        weight: 10,
        dialling: "216",
        trunk: "",
        mobile: (&["2", "5", "9"], 7),
        currency: "TND",
        cities: &[
            &["Tunis", "تونس"],
            &["Sfax", "صفاقس"],
            &["Sousse", "سوسة"],
            &["Bizerte", "بنزرت"],
        ],
    },
    Country {
        code: "AE",
        weight: 6,
        dialling: "971",
        trunk: "0",
        mobile: (&["50", "52", "55", "56"], 7),
        currency: "AED",
        cities: &[
            &["Dubai", "دبي"],
            &["Abu Dhabi", "أبو ظبي"],
            &["Sharjah", "الشارقة"],
        ],
    },
    Country {
        code: "JO",
        weight: 5,
        dialling: "962",
        trunk: "0",
        mobile: (&["77", "78", "79"], 7),
        currency: "JOD",
        cities: &[&["Amman", "عمان"], &["Irbid", "إربد"]],
    },
    Country {
        code: "FR",
        weight: 5,
        dialling: "33",
        trunk: "0",
        mobile: (&["6", "7"], 8),
        currency: "EUR",
        cities: &[&["Paris"], &["Marseille"], &["Lyon"]],
    },
];

/// The calling code of `country` (without `+`).
pub fn dialling_code(country: &str) -> &'static str {
    COUNTRIES
        .iter()
        .find(|c| c.code == country)
        .map_or("", |c| c.dialling)
}
