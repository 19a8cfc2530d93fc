//! Towns written two ways (`synth --towns`): real places of the region, each with the Latin
//! spellings and the Arabic ones customers type for it, for the customers who write their town
//! in one script on one order and in the other script, or another Latin spelling, on the next
//! (issue 17: Ouargla / ورقلة / Wargla, 6th of October City / مدينة 6 أكتوبر).
//!
//! Two kinds, checked against the gazetteer as shipped (2026-12-03; `core/tests/synth.rs`
//! keeps the check):
//! - `listed`: a town of the gazetteer with a spelling it does not list (Wargla, Knitra, Tanja,
//!   Bgayet, Zakazik, مدينة السادس من أكتوبر): the gazetteer resolves the usual spelling and not
//!   that one, which only the cross-script sketch can bring back to the town;
//! - not `listed`: a place the gazetteer lacks in every spelling given here (villages of Giza,
//!   districts of Casablanca, Oran, Riyadh and Dubai that customers write as their town, a
//!   suburb of Tunis). The repository's own place lists (`tests/data/communes.tsv`,
//!   `places_eg.tsv`, `places_tn_gcc.tsv`) are all shipped in the gazetteer, so none of their
//!   pairs is missing from it: these names are written for the generator (real places, their
//!   usual spellings), not taken from a list.
//!
//! Some of them the sketch does not bring together, and are kept because customers write them
//! so: Ksar Lakbir (the article glued), مدينة السادس من أكتوبر (the ordinal in words), Dhahrat
//! Laban / ظهرة لبن (ظ written dh), Muwaileh / مويلح, Cité El Ghazala / حي الغزالة (cité and
//! حي are not the same word to the sketch).

use super::pick;

/// A town and the ways customers write it.
pub struct Town {
    /// ISO 3166-1 alpha-2 code of its country (one of the generator's countries).
    pub country: &'static str,
    /// Latin spellings, the usual one first.
    pub latin: &'static [&'static str],
    /// Arabic spellings, the usual one first.
    pub arabic: &'static [&'static str],
    /// The gazetteer knows the town (under its usual spelling); false when it lacks it.
    pub listed: bool,
}

const fn town(
    country: &'static str,
    latin: &'static [&'static str],
    arabic: &'static [&'static str],
    listed: bool,
) -> Town {
    Town {
        country,
        latin,
        arabic,
        listed,
    }
}

pub const TOWNS: &[Town] = &[
    // In the gazetteer, with a spelling it does not list.
    town("MA", &["Marrakech", "Marrakch"], &["مراكش"], true),
    town("MA", &["Tanger", "Tanja"], &["طنجة"], true),
    town("MA", &["Kenitra", "Knitra"], &["القنيطرة"], true),
    town("MA", &["Meknès", "Meknass"], &["مكناس"], true),
    town("MA", &["Oujda", "Wajda"], &["وجدة"], true),
    town("MA", &["Temara", "Tmara"], &["تمارة"], true),
    town("MA", &["Khouribga", "Khribga"], &["خريبكة"], true),
    town("MA", &["Beni Mellal", "Bni Mellal"], &["بني ملال"], true),
    town(
        "MA",
        &["Ksar El Kebir", "Ksar Lakbir"],
        &["القصر الكبير"],
        true,
    ),
    town("DZ", &["Ouargla", "Wargla"], &["ورقلة"], true),
    town("DZ", &["Constantine", "Ksentina"], &["قسنطينة"], true),
    town("DZ", &["Tizi Ouzou", "Tizi Wezzu"], &["تيزي وزو"], true),
    town("DZ", &["Béjaïa", "Bgayet"], &["بجاية"], true),
    town("DZ", &["Ghardaïa", "Gherdaia"], &["غرداية"], true),
    town("DZ", &["Biskra", "Beskra"], &["بسكرة"], true),
    town("EG", &["Zagazig", "Zakazik"], &["الزقازيق"], true),
    town("EG", &["Mit Ghamr", "Meet Ghamr"], &["ميت غمر"], true),
    town(
        "EG",
        &["Shibin El Kom", "Shebin El Koum"],
        &["شبين الكوم"],
        true,
    ),
    town(
        "EG",
        &["6th of October City", "6 October"],
        &["مدينة 6 أكتوبر", "مدينة السادس من أكتوبر"],
        true,
    ),
    town(
        "SA",
        &["Hafar Al-Batin", "Hafr Al Batin"],
        &["حفر الباطن"],
        true,
    ),
    town(
        "TN",
        &["Borj El Ouzir", "Borj Louzir"],
        &["برج الوزير"],
        true,
    ),
    // Not in the gazetteer.
    town("MA", &["Ain Sebaa", "Ain Sbaa"], &["عين السبع"], false),
    town(
        "MA",
        &["Hay Hassani", "Hay El Hassani"],
        &["الحي الحسني"],
        false,
    ),
    town(
        "MA",
        &["Sidi Bernoussi", "Sidi Bernousi"],
        &["سيدي البرنوصي"],
        false,
    ),
    town("MA", &["Sidi Othmane"], &["سيدي عثمان"], false),
    town(
        "MA",
        &["Hay Mohammadi", "Hay Mohamadi"],
        &["الحي المحمدي"],
        false,
    ),
    town(
        "MA",
        &["Derb Sultan", "Derb Soltane"],
        &["درب السلطان"],
        false,
    ),
    town("MA", &["Tamaris"], &["تاماريس"], false),
    town(
        "MA",
        &["Yacoub El Mansour", "Yaacoub El Mansour"],
        &["يعقوب المنصور"],
        false,
    ),
    town(
        "MA",
        &["Sidi Youssef Ben Ali"],
        &["سيدي يوسف بن علي"],
        false,
    ),
    town("DZ", &["Bouchaoui"], &["بوشاوي"], false),
    town(
        "DZ",
        &["Sidi El Bachir", "Sidi Bachir"],
        &["سيدي البشير"],
        false,
    ),
    town("DZ", &["Canastel"], &["كناستيل"], false),
    town("DZ", &["Maraval"], &["مرافال"], false),
    town("EG", &["Abu Rawash", "Abou Rawash"], &["أبو رواش"], false),
    town("EG", &["Mit Rahina", "Meet Rahina"], &["ميت رهينة"], false),
    town(
        "EG",
        &["Saft El Laban", "Saft Allaban"],
        &["صفط اللبن"],
        false,
    ),
    town("EG", &["Shabramant"], &["شبرامنت"], false),
    town("EG", &["Kafr Hamza"], &["كفر حمزة"], false),
    town("EG", &["Dahshur", "Dahshour"], &["دهشور"], false),
    town("EG", &["El Haraniya"], &["الحرانية"], false),
    town("EG", &["Mit Okba", "Meet Okba"], &["ميت عقبة"], false),
    town("EG", &["Ard El Lewa"], &["أرض اللواء"], false),
    town("EG", &["Smouha", "Smoha"], &["سموحة"], false),
    town("SA", &["Al Narjis", "Al Narjes"], &["النرجس"], false),
    town("SA", &["Al Yasmin", "Al Yasmeen"], &["الياسمين"], false),
    town("SA", &["Dhahrat Laban"], &["ظهرة لبن"], false),
    town(
        "TN",
        &["Ain Zaghouan", "Aïn Zaghouan"],
        &["عين زغوان"],
        false,
    ),
    town("TN", &["Cité El Ghazala"], &["حي الغزالة"], false),
    town("AE", &["Al Khawaneej", "Al Khawanij"], &["الخوانيج"], false),
    town("AE", &["Al Mizhar"], &["المزهر"], false),
    town("AE", &["Al Nahda", "Al Nahdah"], &["النهدة"], false),
    town("AE", &["Al Muhaisnah"], &["المحيصنة"], false),
    town("AE", &["Muwaileh"], &["مويلح"], false),
];

impl Town {
    /// Every way of writing the town: the Latin spellings, then the Arabic ones.
    pub fn forms(&self) -> impl Iterator<Item = &'static str> {
        self.latin.iter().chain(self.arabic).copied()
    }
}

/// The town as typed on one order: any of its spellings in either script, each as likely, in
/// capitals one time in ten. Over a customer's orders it changes script or spelling more
/// often than not: these customers are the ones who write it several ways.
pub fn town_form(rng: &mut fastrand::Rng, town: &Town) -> String {
    let forms: Vec<&str> = town.forms().collect();
    let form = *pick(rng, &forms);
    if rng.u8(0..10) == 0 {
        form.to_uppercase()
    } else {
        form.to_string()
    }
}
