//! Store mode: the customer history kept in the shop's own database.
//!
//! A shop runs many processes (PHP-FPM workers living one request, gunicorn workers, several
//! app servers); each cannot hold the whole history, and each must see the order another worker
//! added a second ago. So the history lives in two tables of the shop's database, and this
//! module is the sans-IO core that reads and writes them through the host:
//!
//! - `cg_orders(order_id, placed_at, total, outcome, negotiated, signature)`: one row per past
//!   order. `signature` is the order's matching signature (`history::Signature`) as JSON: keyed hashes of the phone,
//!   email and door, and the name's transliteration keys. No readable phone, email or address.
//! - `cg_keys(key, order_id)`: the keys each order is filed under (64-bit keyed hashes, as SQL
//!   `BIGINT`), indexed by key.
//!
//! The host never decides anything. To assess, it asks a [`Lookup`] which keys it
//! [wants](Lookup::wanted), fetches the orders under them (one indexed query), [supplies](Lookup::supply)
//! them, and repeats until nothing is wanted; the [`Lookup::assessment`] is then exactly what the
//! in-memory [`Engine`](crate::engine::Engine) gives for the same history, because both run the
//! same walk (`history::LinkRules::gather`) and the same
//! assessment code. To add an order it writes the rows [`Store::write`] returns; to erase a customer
//! it deletes the orders an erase [`Lookup`] finds.
//!
//! Links are never stored, only keys, so concurrent writers cannot lose or double a link: two
//! workers adding orders of one customer at once insert independent rows, and the next lookup
//! sees both.
//!
//! # Example
//! ```
//! use std::collections::HashMap;
//! use codguard::store::{OrderRow, Store};
//! use codguard::{HistoryRecord, Order};
//!
//! let store = Store::new(Default::default(), b"the shop's secret");
//! // The "database": key -> rows.
//! let mut keys: HashMap<i64, Vec<OrderRow>> = HashMap::new();
//! let past: HistoryRecord = serde_json::from_str(r#"{"order_id": "o-1", "placed_at": 1,
//!     "name": "Salma Khalil", "phone": "0661472983", "country": "MA", "outcome": "refused"}"#).unwrap();
//! let write = store.write(&past).unwrap();
//! for key in &write.keys {
//!     keys.entry(*key).or_default().push(write.order.clone());
//! }
//!
//! let order: Order = serde_json::from_str(r#"{"order_id": "o-2", "placed_at": 9,
//!     "name": "سلمى خليل", "phone": "+212 661 47 29 83", "address": "12 Rue Ibn Battouta",
//!     "city": "Casablanca", "country": "MA"}"#).unwrap();
//! let mut lookup = store.assess(&order).unwrap();
//! loop {
//!     let wanted = lookup.wanted();
//!     if wanted.is_empty() {
//!         break;
//!     }
//!     for key in wanted {
//!         let rows = keys.get(&key).cloned().unwrap_or_default();
//!         lookup.supply(key, rows).unwrap();
//!     }
//! }
//! let a = lookup.assessment();
//! assert_eq!(a.customer_class.as_str(), "risky");
//! ```

use std::borrow::Cow;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::assess::Assessor;
use crate::assessment::Assessment;
use crate::error::{Error, ErrorKind};
use crate::history::{
    Features, History, KeyHasher, LinkRules, Signature, Source, View, WordSketch,
};
use crate::policy::PolicyConfig;
use crate::record::{HistoryRecord, Order, Outcome};
use crate::risk::RiskModel;

/// The version of the key format: a change of normalization or hashing that changes keys bumps
/// it, and a shop re-keys its tables (see the README's store section).
///
/// 2: a city the gazetteer lacks is keyed by its cross-script sketch, not its folded text, so
/// that one place in two scripts has one key.
///
/// 3: the address forms of the region (résidence, lotissement, cité, douar, villa, عقار/برج, km;
/// docs/address.md) give other street tokens, house numbers and units: a flat in a residence is
/// now a door (the residence its street, the flat its house number); every official commune of
/// MA and DZ, and the towns and localities of TN, SA, AE, KW, QA, BH and OM, is a gazetteer city
/// (keyed by its id, not its sketch), and the name keys read more spellings as one (ben = بل,
/// n or m before b, a final ع, aboul).
///
/// 4: the gazetteer's towns and localities of TN, SA, AE, KW, QA, BH and OM (and the homonyms
/// that now take both scripts) became gazetteer cities after tables of format 3 had been
/// written: such a town's door keys changed, so tables of format 3 are refused.
///
/// 5: an order whose city field the gazetteer does not resolve is keyed by that field's place
/// (the gazetteer city its cross-script sketch reaches, or the sketch), no longer by a city
/// read from the address's last words (a district or a street: Quartier Maarif, Gamal Abdel
/// Nasser), which stays the place only of an order whose city field names none: such an
/// order's place and door keys changed, so tables of format 4 are refused.
///
/// 6: the gazetteer keys a few places anew: a city field with a word for "town" the gazetteer
/// does not list with it is the place without the word (مدينة بدر, Badr City: Badr, where a
/// sketch made it Al Badari; Sfax Ville: Sfax); egydata's districts named so join GeoNames'
/// town (Badr City was a place of its own); a Maghrebi official name with its article reduced
/// to ل has its full form too (الهراويين: Lahraouyine), and GeoNames' الهراويين is no longer a
/// name of Mohammedia; the sketch of a town the gazetteer lacks leaves out what one script
/// writes and the other does not (a leading l, a final ح, the construct state's t, cité/حي,
/// ordinals in words). Such orders' place and door keys changed, so tables of format 5 are
/// refused.
///
/// 7: a unit is keyed part by part (`history::signature::unit_key`: the building, and the flat
/// or the floor without a flat), so that a floor alone no longer conflicts with a flat; floors
/// are read in more forms (3ème étage, 3rd floor, الدور الأرضي). Such orders' unit keys changed,
/// so tables of format 6 are refused.
///
/// 8: floors are read in more forms (3 eme étage with the ending apart, rdc and
/// rez-de-chaussée, ط 3 after the house number, ال3 الدور), a letter glued to its number is split
/// (ش21: a flat), and an English district marker before the street without a comma (Al Narjis
/// District 12 King Fahd Rd) makes the words before it the district: such orders' street and
/// unit keys changed, so tables of format 7 are refused.
///
/// 9: a Latin street token that writes th or dh is also filed under its second skeleton, the
/// digraph read as two letters (Al Fath: fth as الفتح, beside ft), in the street slots the
/// first keys leave, marked by the slot's low bit; every street key is hashed with that bit
/// clear. Street and door keys changed, so tables of format 8 are refused.
///
/// 10: the address parser reads more of the region's forms: a house number's suffix (25 bis,
/// 25 مكرر: the house 25bis), a number in a district's or complex's name when the house is
/// marked (Hay Nahda 2 ... N° 12: house 12), Tunisia's عدد, zenqa, بلوك, بناية, a decimal
/// kilometre (Km 4,5), and real words no longer guessed as markers (Riad, Ville, Mila). Such
/// orders' street and door keys changed, so tables of format 9 are refused.
///
/// 11: the Gulf's forms: مبنى is a building, منزل and House a house, Zone, منطقة, Block and
/// قطعة districts; with the door's number written (a flat's, a villa's, a building's), a
/// number in a place's name is the name's (Al Barsha 1, Zone 25), and a numbered street keeps
/// its numbered district (Street 5 of Al Barsha 1); a house's letter (12 ب = 12B), postal
/// boxes; and an order with a unit is filed under its flat's key too, with a city or without.
/// Such orders' street and door keys changed, and they have one more key row, so tables of
/// format 10 are refused.
///
/// 12: a name's keys keep its first word's key first (the others sorted), so that a father
/// and his son who carries the father's name after his own (Fahad Al Mutairi, Abdullah Fahad
/// Al Mutairi) are told apart; a residence whose flat is written is the street even with the
/// boulevard it stands on written, Borg is a tower, a villa at a street's number is a building
/// there, a building's number written again as the house's is the house, a street named after
/// a town has the town's key too, Kuwait's avenue is a number of its street, a Saudi
/// national address's postal code and additional number are no house number, and a French
/// word of a residence's name is read as its Arabic (Les Jasmins = الياسمين). Stored name keys of
/// format 11 are sorted whole and some door keys changed, so tables of format 11 are refused.
///
/// 13: a phone field with two numbers (`0661472983 - 0522869174`) gives a second phone key:
/// the order is filed under it too, and its signature holds it (`"q"`); Egypt's `ع` before a
/// number is a building, and a marker word glued to its number in Arabic (`عمارة12`, `شقة5`)
/// reads as the two words. Such orders of a table of format 12 lack a key row or have stale
/// door keys, so tables of format 12 are refused.
///
/// 14: the flat of a named tower on a street (`برج الياسمين، ش الطيران، شقة 42`) has the tower's
/// name as its unit's building, so its unit and flat keys changed; a street word with an
/// opener's short skeleton that is no opener (Saud, Saad, Bani: Sidi's `sd`, Ibn's `bn`) has
/// a key of its own; a number written twice in a street's name is kept twice (Kuwait's `Block 5,
/// Street 12, Avenue 5`); Egypt's `ش N` after a building, a name after it, is the street; an
/// Arabic street word's و after an ا, and a Latin one's final t after a or e, give a second key
/// (التعاون, Gameat).
/// Tables of format 13 are refused.
///
/// 15: the numbers of a street's numbered district (`Block 4` of `Block 4, Street 5`, the 7th
/// district of `الحي السابع، المجاورة 2`) are street slots of their own, no longer numbers of the
/// street, and every street key's hash leaves one more bit for the slot's flags. Tables of
/// format 14 are refused.
///
/// 16: a street named after a country (`شارع فلسطين`, `Palestine St`) has the country's key,
/// and the key of a town or country a street is named after takes the street's last slot, no
/// longer one of its words' (nor a flat key's). Tables of format 15 are refused.
///
/// 17: a street named after a town whose Latin name has an article, glued (`rue d'Alger`, read
/// as the street `ger`) or a word of its own inside (`Avenue Ksar El Kebir`), has the town's
/// key, as its Arabic name's street has; `Emirates Road` and `شارع الإمارات` have the
/// Emirates' key; Ain, Bir, Oued, Wadi, Ras, Umm, Kafr, Ksar, Hassi and Mers open many
/// streets' names (their keys carry the opener's flag); and a letter before an apostrophe that is
/// no elided article is glued to its word (`Rue de M'Sila` is the street `msila`). Tables of
/// format 16 are refused.
///
/// 18: a street named after a large city abroad by the city's name or a curated spelling
/// (`Cairo St` and `شارع القاهرة` in Amman, `rue d'Alger` and `نهج الجزائر` in Tunis) has the
/// city's key. Tables of format 17 are refused.
pub const KEY_FORMAT: u32 = 18;

/// A past order as a `cg_orders` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRow {
    /// The shop's order id (primary key).
    pub order_id: String,
    /// When it was placed, Unix seconds.
    pub placed_at: i64,
    /// Its total.
    pub total: f64,
    /// What became of it.
    pub outcome: Outcome,
    /// Whether the customer negotiated.
    pub negotiated: bool,
    /// The matching signature, as JSON text.
    pub signature: String,
}

/// The rows to write for one new past order.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// The `cg_orders` row.
    pub order: OrderRow,
    /// The `cg_keys` rows: `(key, order.order_id)` for each key.
    pub keys: Vec<i64>,
}

/// The store-mode core: a policy and the shop's key secret. Cheap; make one per process.
#[derive(Debug, Clone)]
pub struct Store {
    config: PolicyConfig,
    hasher: KeyHasher,
    risk_model: Option<std::sync::Arc<RiskModel>>,
}

/// A `u64` key as the `BIGINT` a database stores (same bits).
fn sql_key(key: u64) -> i64 {
    i64::from_ne_bytes(key.to_ne_bytes())
}

fn index_key(key: i64) -> u64 {
    u64::from_ne_bytes(key.to_ne_bytes())
}

impl Store {
    /// A store core with `config` and keys derived from the shop's `secret` (keep it out of the
    /// database: without it the key table cannot be tied to any phone or email).
    pub fn new(config: PolicyConfig, secret: &[u8]) -> Store {
        Store {
            config,
            hasher: KeyHasher::from_secret(secret),
            risk_model: None,
        }
    }

    /// Loads a fitted risk model, as [`crate::engine::Engine::set_risk_model`]: the answers
    /// stay the engine's with the same model.
    pub fn set_risk_model(&mut self, model: Option<RiskModel>) {
        self.risk_model = model.map(std::sync::Arc::new);
    }

    /// The risk model in force, if any.
    pub fn risk_model(&self) -> Option<&RiskModel> {
        self.risk_model.as_deref()
    }

    /// The policy in force.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The rows to write for a past order (or a new order entering the history as `pending`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] when the order does not validate ([`Order::validate`]).
    pub fn write(&self, record: &HistoryRecord) -> Result<Write, Error> {
        record.order.validate()?;
        let features = Features::of(&record.order);
        let sig = Signature::of(&features, &self.hasher);
        let mut keys = sig.filing_keys(&self.hasher);
        // Sorted, so that one order always writes the same rows.
        keys.sort_unstable();
        let keys = keys.into_iter().map(sql_key).collect();
        let o = &record.order;
        Ok(Write {
            order: OrderRow {
                order_id: o.order_id.0.clone(),
                placed_at: o.placed_at,
                total: o.total,
                outcome: record.outcome,
                negotiated: record.negotiated,
                signature: serde_json::to_string(&sig).unwrap_or_default(),
            },
            keys,
        })
    }

    /// Starts assessing `order`: feed the lookup until it wants nothing.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] when the order does not validate ([`Order::validate`]).
    pub fn assess(&self, order: &Order) -> Result<Lookup, Error> {
        order.validate()?;
        let features = Features::of(order);
        Ok(Lookup {
            store: self.clone(),
            goal: Goal::Assess {
                order: Box::new(order.clone()),
                features: Box::new(features),
            },
            fetched: Fetched::new(self.hasher),
        })
    }

    /// Starts finding every order of the customer(s) who used this phone, to erase them.
    ///
    /// # Errors
    /// The phone errors of [`crate::normalize::phone::parse_phone`].
    pub fn erase_by_phone(&self, phone: &str, default_country: &str) -> Result<Lookup, Error> {
        let key = self.hasher.phone_key_of(phone, default_country)?;
        Ok(self.erase_lookup(key))
    }

    /// Starts finding every order of the customer(s) who used this email, to erase them.
    ///
    /// # Errors
    /// The errors of [`crate::normalize::normalize_email`].
    pub fn erase_by_email(&self, email: &str) -> Result<Lookup, Error> {
        let key = self.hasher.email_key_of(email)?;
        Ok(self.erase_lookup(key))
    }

    fn erase_lookup(&self, key: u64) -> Lookup {
        Lookup {
            store: self.clone(),
            goal: Goal::Erase { key },
            fetched: Fetched::new(self.hasher),
        }
    }
}

enum Goal {
    Assess {
        order: Box<Order>,
        features: Box<Features>,
    },
    Erase {
        key: u64,
    },
}

/// The orders fetched so far, and which keys were fetched: a [`Source`] that reports the keys
/// it has not read.
struct Fetched {
    history: History,
    known: HashSet<u64>,
}

impl Fetched {
    fn new(hasher: KeyHasher) -> Fetched {
        Fetched {
            history: History::new(hasher),
            known: HashSet::new(),
        }
    }
}

impl Source for Fetched {
    fn hasher(&self) -> &KeyHasher {
        self.history.hasher()
    }
    fn postings(&self, key: u64) -> Option<&[u32]> {
        self.known
            .contains(&key)
            .then(|| self.history.postings(key))
    }
    fn view(&self, idx: u32) -> View<'_> {
        self.history.view(idx)
    }
    fn may_link(&self, idx: u32, to: &View<'_>) -> bool {
        Source::may_link(&self.history, idx, to)
    }
    fn interned(&self, key: &str) -> Option<(u32, &WordSketch)> {
        Source::interned(&self.history, key)
    }
    fn sort_key(&self, idx: u32) -> (i64, &str) {
        Source::sort_key(&self.history, idx)
    }
}

/// One assessment (or erasure) in progress against a database-held history.
///
/// It owns a copy of its [`Store`] (a policy and a key: a few hundred bytes), so a binding can
/// keep it across calls without tying it to the store's lifetime.
pub struct Lookup {
    store: Store,
    goal: Goal,
    fetched: Fetched,
}

impl Lookup {
    fn assessor(&self) -> Assessor<'_> {
        Assessor {
            config: &self.store.config,
            history: &self.fetched.history,
            risk: self.store.risk_model.as_deref(),
        }
    }

    /// The keys to fetch next (`SELECT … FROM cg_keys JOIN cg_orders … WHERE key IN (…)`);
    /// empty when the lookup has all it needs.
    pub fn wanted(&self) -> Vec<i64> {
        let missing = match &self.goal {
            Goal::Assess { order, features } => {
                self.assessor()
                    .gather(&self.fetched, order, features)
                    .missing
            }
            Goal::Erase { key } => {
                LinkRules::new(&self.store.config)
                    .customer_of_key(&self.fetched, *key)
                    .1
            }
        };
        missing.into_iter().map(sql_key).collect()
    }

    /// Supplies the orders filed under `key`. Give every row, or at least
    /// `max_orders_per_key + 1` of them: more tells the lookup the key is too common to link.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] when a row's signature does not parse.
    pub fn supply(&mut self, key: i64, rows: Vec<OrderRow>) -> Result<(), Error> {
        for row in rows {
            if self.fetched.history.find(&row.order_id).is_some() {
                continue;
            }
            let sig: Signature = serde_json::from_str(&row.signature).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRecord,
                    format!("order {}: signature does not parse", row.order_id),
                )
            })?;
            self.fetched.history.insert_signed(
                &row.order_id,
                row.placed_at,
                row.total,
                row.outcome,
                row.negotiated,
                &sig,
            )?;
        }
        self.fetched.known.insert(index_key(key));
        Ok(())
    }

    /// The assessment, once [`Lookup::wanted`] is empty (before that, it is the assessment of
    /// what was fetched so far). An erase lookup gives the assessment of an empty order.
    pub fn assessment(&self) -> Assessment {
        match &self.goal {
            Goal::Assess { order, features } => {
                self.assessor()
                    .assess(&self.fetched, order, Cow::Borrowed(features))
            }
            Goal::Erase { .. } => {
                self.assessor()
                    .assessment(&Order::default(), Cow::Owned(Features::default()), &[])
            }
        }
    }

    /// For an erase lookup: the order ids to delete (`DELETE FROM cg_orders WHERE order_id IN
    /// (…)`, keys go with them); empty for an assess lookup.
    pub fn erase_ids(&self) -> Vec<String> {
        let Goal::Erase { key } = &self.goal else {
            return Vec::new();
        };
        let (orders, _) = LinkRules::new(&self.store.config).customer_of_key(&self.fetched, *key);
        orders
            .into_iter()
            .filter_map(|i| self.fetched.history.order(i).map(|o| o.id.to_string()))
            .collect()
    }
}
