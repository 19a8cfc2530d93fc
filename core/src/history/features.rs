//! The normalized view of an order: the values matching and classification work on.

use crate::error::ErrorKind;
use crate::normalize::{
    self,
    address::NormalizedAddress,
    city::{self, PlaceKey},
    email::NormalizedEmail,
    keys::Keys,
    name::NameKeys,
    E164Phone,
};
use crate::record::Order;

/// What an order says once normalized: the values matching and classification work on.
///
/// Building it never fails: a field that does not normalize is kept as its problem, because a
/// bad field is itself evidence (a ghost's junk phone).
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// The usable phone: valid and not junk (it may look made up). Orders are filed under it.
    pub(crate) phone: Option<E164Phone>,
    /// Why the phone is unusable (`None` when `phone` is set; `phone_empty` when there is none).
    pub(crate) phone_problem: Option<ErrorKind>,
    /// The usable phone looks made up (digit runs, counting sequences): a weak signal.
    pub(crate) phone_looks_fake: bool,
    /// A second number the phone field holds after the usable one (a mobile and a landline):
    /// orders are filed under it too, so that the next order, which may give either, finds
    /// them. It is no evidence of its own and changes no signal.
    pub(crate) second_phone: Option<E164Phone>,
    /// The usable email (syntax valid; may still be fake).
    pub(crate) email: Option<NormalizedEmail>,
    /// Why the email is unusable, when one was typed.
    pub(crate) email_problem: Option<ErrorKind>,
    /// The address taken apart.
    pub(crate) address: NormalizedAddress,
    /// The name for matching: its keys (the tokens of [`normalize::normalize_name`] are not
    /// read).
    pub(crate) name: NameKeys,
    /// The place the order goes to: its gazetteer city, or the cross-script sketch of a place
    /// the gazetteer lacks ([`city::place_key`]); `None` when the order names no place. Equal
    /// places are [`city::same_place`], whatever the script or spelling.
    pub(crate) place: Option<PlaceKey>,
    /// Transliteration-insensitive keys of the street tokens, sorted, unique but for numbers
    /// written twice.
    pub(crate) street_keys: Keys,
    /// The second keys of street tokens that write `th` or `dh` (Fath: `fth` beside `ft`, as
    /// فتح) or an Arabic و after an ا (التعاون: `twn` beside `tn`, as Taawun;
    /// [`normalize::text::second_skeleton`]), sorted and unique, none a key of
    /// `street_keys`: filed and looked up beside them, so that both readings find the door.
    pub(crate) second_street_keys: Keys,
    /// The keys of the place a street is named after, when its words are the whole name of a
    /// town of the order's country or of a country (`@` and the town's id or the country's
    /// code; both for الجزائر, Algiers and Algeria): "Route de Safi" and "طريق آسفي", "Palestine
    /// St" and "شارع فلسطين" are one street each, though their skeletons differ. Another way for
    /// the whole street to agree, not one more token of it.
    pub(crate) place_street_keys: Keys,
}

impl Features {
    /// The policy's signals of this order: what its own fields say, plus whether it repeats a
    /// recent order of the same customer (which only the assessment, having the matches, knows).
    pub(crate) fn signals(&self, duplicate_recent_order: bool) -> crate::policy::OrderSignals {
        crate::policy::OrderSignals {
            phone_unusable: self.phone.is_none(),
            phone_looks_fake: self.phone_looks_fake,
            email_fake: self.email.as_ref().is_some_and(|e| e.fake.is_some()),
            address_nonsense: self.address.nonsense,
            name_nonsense: self.name.nonsense,
            duplicate_recent_order,
        }
    }

    /// Normalizes every field of `order`.
    ///
    /// The sizes of docs/contract.md ("Sizes"): a text over [`normalize::MAX_INPUT_BYTES`] makes
    /// a phone or an email unusable and a name or an address nonsense (no real one is that
    /// long), and a city is cut (what it names is at its start; the rest must not make the
    /// address unreadable). A field of blanks and invisible marks is absent whatever its length.
    pub fn of(order: &Order) -> Features {
        let (phone, phone_problem, phone_looks_fake, second_phone) =
            match normalize::phone::usable_phone(absent_if_blank(&order.phone), &order.country) {
                Ok(usable) => (Some(usable.phone), None, usable.looks_fake, usable.second),
                Err(e) => (None, Some(e.kind()), false, None),
            };
        let (email, email_problem) = if normalize::text::is_blank(&order.email) {
            (None, None)
        } else {
            match normalize::normalize_email(&order.email) {
                Ok(e) => (Some(e), None),
                Err(e) => (None, Some(e.kind())),
            }
        };
        let city = cut(&order.city, normalize::MAX_INPUT_BYTES);
        let (address, city_at_end) = normalize::address::normalize_address_read(
            absent_if_blank(&order.address),
            city,
            &order.country,
        )
        .unwrap_or_else(|_| {
            let nonsense = NormalizedAddress {
                nonsense: true,
                ..NormalizedAddress::default()
            };
            (nonsense, false)
        });
        let name =
            normalize::name::name_keys(absent_if_blank(&order.name)).unwrap_or_else(|_| NameKeys {
                nonsense: true,
                ..NameKeys::default()
            });
        // The place of the city field, in any script or spelling; the city the address ends
        // with only when the city field names no place. The address's city is the city
        // field's when the gazetteer lists that spelling; when it does not, it is a guess from
        // the address's last words, often a district or a street (Quartier Maarif, حي المنزه,
        // Gamal Abdel Nasser), which must not outweigh a city field the cross-script sketch
        // reads (Knitra, النرجس).
        let place = match address.city {
            None if !super::switches::on(super::switches::PLACES) => {
                let text = normalize::text::fold(city);
                (!text.is_empty()).then(|| PlaceKey::Sketch(format!("text:{text}")))
            }
            Some(id) if !city_at_end || !super::switches::on(super::switches::PLACES) => {
                Some(PlaceKey::City(id))
            }
            at_end => city::place_key(city, &order.country).or(at_end.map(PlaceKey::City)),
        };
        let (street_keys, second_street_keys) = street_keys(&address.street);
        let place_street_keys = place_street_keys(&address.street, &order.country);
        Features {
            phone,
            phone_problem,
            phone_looks_fake,
            second_phone,
            email,
            email_problem,
            address,
            name,
            place,
            street_keys,
            second_street_keys,
            place_street_keys,
        }
    }

    /// The city to show for `order` (whose features these are): the gazetteer's name of its
    /// city, else the city field folded.
    pub(crate) fn city_shown(&self, order: &Order) -> String {
        match &self.place {
            Some(PlaceKey::City(id)) => city::city_name(*id).map(str::to_owned),
            _ => None,
        }
        .unwrap_or_else(|| normalize::text::fold(cut(&order.city, normalize::MAX_INPUT_BYTES)))
    }

    /// The email's canonical key, when the email is usable for matching (valid and not fake:
    /// test@test.com must never tie two customers together).
    pub(crate) fn email_key(&self) -> Option<&str> {
        self.email
            .as_ref()
            .filter(|e| e.fake.is_none())
            .map(|e| e.key.as_str())
    }
}

/// The keys of a street's tokens (their skeletons) and the second keys of the tokens that have
/// one, each list sorted, no repeats, no second key that is also a first key.
fn street_keys(street: &[String]) -> (Keys, Keys) {
    let mut street_keys = Keys::with_capacity(street.iter().map(String::len).sum());
    let mut second_street_keys = Keys::default();
    for token in street {
        let mut second = false;
        street_keys.push_with(|keys| {
            let start = keys.len();
            second = normalize::text::skeleton_into(token, keys);
            let key = keys.get(start..).unwrap_or_default();
            if normalize::address::borrows_an_openers_skeleton(token, key) {
                keys.push(normalize::address::OWN_OPENER_KEY);
            }
        });
        if second {
            second_street_keys.push_with(|key| normalize::text::second_skeleton_into(token, key));
        }
    }
    // "Block 5, Street 12, Avenue 5": a number written twice is two of the street's numbers,
    // so that Avenue 4 of it is another way (`history::signature::numbers_agree`).
    street_keys.sort_keeping_repeats_of(normalize::address::all_digits);
    second_street_keys.sort(true);
    second_street_keys.retain(|key| !street_keys.iter().any(|first| first == key));
    (street_keys, second_street_keys)
}

/// The keys of the place a street is named after ([`Features::place_street_keys`]): one key
/// for every script and spelling of the town or country.
fn place_street_keys(street: &[String], country: &str) -> Keys {
    let mut keys = Keys::default();
    if let Some(town) = city::town_named(street, country) {
        keys.push_with(|key| {
            use std::fmt::Write as _;
            let _ = write!(key, "@{}", town.0);
        });
    }
    if let Some(code) = city::country_named(street, country) {
        keys.push_with(|key| {
            key.push('@');
            key.push_str(code);
        });
    }
    keys
}

/// `""` for a field over the normalizers' size made only of blanks and invisible marks: it is
/// absent (docs/contract.md), not too long (a shorter one the normalizers read as absent).
fn absent_if_blank(field: &str) -> &str {
    if field.len() > normalize::MAX_INPUT_BYTES && normalize::text::is_blank(field) {
        ""
    } else {
        field
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::MAX_INPUT_BYTES;

    fn order(address: &str, city: &str) -> Order {
        Order {
            order_id: "o-1".into(),
            country: "MA".into(),
            phone: "0661472983".into(),
            address: address.into(),
            city: city.into(),
            ..Order::default()
        }
    }

    #[test]
    fn a_city_over_the_size_is_cut_and_the_address_read() {
        let short = Features::of(&order("12 Rue Fes", "Rabat"));
        // Over the size by words, by blanks, and cut inside an Arabic letter (2 bytes each).
        for city in [
            "Rabat ".repeat(200),
            format!("Rabat{}", " ".repeat(MAX_INPUT_BYTES)),
            format!("x{}", "ر".repeat(MAX_INPUT_BYTES)),
        ] {
            assert!(city.len() > MAX_INPUT_BYTES);
            let f = Features::of(&order("12 Rue Fes", &city));
            assert!(!f.address.nonsense, "{}", &city[..12]);
            assert_eq!(f.address.text, short.address.text);
            assert_eq!(f.address.street, short.address.street);
            assert_eq!(f.address.house_number.as_deref(), Some("12"));
            assert!(f.place.is_some());
            assert!(f.city_shown(&order("", &city)).len() <= MAX_INPUT_BYTES);
        }
        // What the cut keeps is read: the city is still Rabat.
        let padded = Features::of(&order("12 Rue Fes", &format!("Rabat{}", " ".repeat(2000))));
        assert_eq!(padded.address.city, short.address.city);
        assert!(short.address.city.is_some());
        assert_eq!(padded.place, short.place);
        // Without an address, the address is absent, not nonsense.
        let none = Features::of(&order("", &"Rabat ".repeat(200)));
        assert!(!none.address.nonsense && none.address.text.is_empty());
    }

    #[test]
    fn an_order_of_any_iso_country_has_its_address_read() {
        // A record takes every ISO 3166-1 code; the phone metadata, which the normalizers'
        // country check uses, lacks a few (Bouvet Island, Heard Island). Their orders' addresses
        // are read all the same: an order's country was checked when it was read.
        for country in ["BV", "HM"] {
            assert!(crate::normalize::phone::check_country(country).is_err());
            let f = Features::of(&Order {
                country: country.into(),
                ..order("12 Rue Fes", "Rabat")
            });
            assert!(!f.address.nonsense, "{country}");
            assert_eq!(f.address.house_number.as_deref(), Some("12"));
        }
    }

    #[test]
    fn a_word_with_an_openers_short_skeleton_has_a_key_of_its_own() {
        let keys = |street: &[&str]| {
            let street: Vec<String> = street.iter().map(|w| w.to_string()).collect();
            let (keys, _) = street_keys(&street);
            keys.iter().map(str::to_owned).collect::<Vec<_>>()
        };
        let opener = |key: &str| normalize::address::opens_many_streets(key);
        // Saud has Sidi's skeleton, Bani Ibn's: in both scripts one key of their own, still an
        // opener's (Saud Bin Faisal and Saud Bin Abdulaziz, Bani Yas and Bani Hajer are two).
        for (latin, arabic) in [("saud", "سعود"), ("saad", "سعد"), ("bani", "بني")] {
            let key = keys(&[latin]);
            assert_eq!(key, keys(&[arabic]), "{latin}");
            assert!(opener(&key[0]), "{latin}");
        }
        // The openers' own words keep their keys, one in both scripts.
        for (latin, arabic) in [("sidi", "سيدي"), ("ibn", "ابن"), ("ben", "بن")] {
            let key = keys(&[latin]);
            assert_eq!(key, keys(&[arabic]), "{latin}");
            assert!(opener(&key[0]), "{latin}");
        }
        assert_ne!(keys(&["sidi"]), keys(&["saud"]));
        // A longer opener's skeleton is an opener's whoever writes it (Mohamed, Mouhamed).
        assert!(opener(&keys(&["mouhamed"])[0]));
    }

    #[test]
    fn texts_over_the_size_are_what_the_contract_says() {
        let long = "a".repeat(MAX_INPUT_BYTES + 1);
        let f = Features::of(&order(&format!("12 rue {long}"), "Rabat"));
        assert!(f.address.nonsense, "an address that long is nonsense");
        let f = Features::of(&Order {
            name: format!("Salma {long}"),
            email: format!("{long}@gmail.com"),
            phone: format!("0661472983 {long}"),
            ..order("12 Rue Fes", "Rabat")
        });
        assert!(f.name.nonsense);
        assert_eq!(f.email_problem, Some(ErrorKind::InputTooLong));
        assert_eq!(f.phone_problem, Some(ErrorKind::InputTooLong));
        // Blanks and invisible marks are absent at any length.
        let blank = format!("{}\u{200f}", " ".repeat(MAX_INPUT_BYTES));
        let f = Features::of(&Order {
            name: blank.clone(),
            email: blank.clone(),
            phone: blank.clone(),
            ..order(&blank, "Rabat")
        });
        assert!(!f.address.nonsense && f.address.text.is_empty());
        assert!(!f.name.nonsense);
        assert_eq!((f.email.is_none(), f.email_problem), (true, None));
        assert_eq!(f.phone_problem, Some(ErrorKind::PhoneEmpty));
    }
}
