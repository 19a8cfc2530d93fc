//! A synthetic cash-on-delivery shop with ground truth, for the accuracy test, the `evaluate`
//! example and anyone without the shared sample data:
//!
//! ```text
//! cargo run --release --example synth -- --out DIR [--customers N] [--seed S] [--households] [--towns]
//! ```
//!
//! Each customer gets a plan ([`Plan`]: good, negotiator, risky, ghost or new, and how), past
//! orders that carry it out, and one new order. Their orders vary as real ones do: phone
//! formats and digit scripts, name transliterations and scripts, address forms and
//! abbreviations, emails in other case or missing, a new phone number between orders. The
//! confounders that must not be matched are there too: namesakes, and neighbours in the same
//! building. Each aspect is one module with one function per way it varies: [`countries`],
//! [`names`], [`phones`], [`addresses`], [`emails`]; this file holds the plans and puts the
//! orders together. One seed always gives the same shop, byte for byte, with one version of
//! codguard (the library's phone rules decide which drawn numbers are valid and not made up, so
//! a change there can change the draws).
//!
//! The truth of a new order is every past order of the same person, and the class that the
//! contract's default policy (revised 2026-12-02) gives what the generator made
//! ([`contract_class`]). The plans stay clear of the cases the revision decides differently
//! from the first policy (a junk phone is never a valid number, a ghost's past orders are only
//! `unconfirmed`, risky customers never have an unconfirmed order), so the truth holds under
//! both.
//!
//! Failure rates differ by zone and by customer (for fitting and measuring the risk model,
//! `core/src/risk.rs`): which of a risky customer's orders failed is drawn on a stream of its
//! own ([`fail_by_propensity`]) from the customer's propensity, the product of a base rate
//! (0.3), their city's factor ([`city_factor`]: 0.35 to 2.4, fixed per city whatever the seed),
//! their district's ([`district_factor`]: 0.6 to 1.7) and their own (log-normal, median 1), and
//! raised for orders placed at night and large totals. Only those outcomes depend on it: the
//! plans, the texts, the ids and the truth are those of the main stream.
//!
//! Two options add customers that the usual shop lacks, to measure the linking rules of issue
//! 17 (`examples/rules.rs`): `--households` ([`add_households`]: a parent and their children at
//! one villa or flat, ordering with the family's phone, each their own customer) and `--towns`
//! ([`add_town_writers`]: customers who write their town in both scripts or in two Latin
//! spellings, some of the towns missing from the gazetteer, with one email and a new phone on
//! every order). They come after the usual customers, on streams of their own: with or without
//! them, the usual customers' orders and truth are the same, byte for byte.
//!
//! [`bench::synth`] is another, older stream, kept unchanged for the benches.

#![allow(dead_code)] // each user takes the parts it needs

#[path = "synth/addresses.rs"]
pub mod addresses;
#[path = "synth/bench.rs"]
pub mod bench;
#[path = "synth/countries.rs"]
pub mod countries;
#[path = "synth/emails.rs"]
pub mod emails;
#[path = "synth/names.rs"]
pub mod names;
#[path = "synth/phones.rs"]
pub mod phones;
#[path = "synth/towns.rs"]
pub mod towns;

#[allow(unused_imports)] // the benches' name for it
pub use bench::synth;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use codguard::assessment::CustomerClass;
use codguard::{HistoryRecord, Order, Outcome};

use crate::dataset::{Dataset, Truth};
use addresses::{Door, Street};
use countries::{Country, COUNTRIES};
use names::PersonName;
use towns::{Town, TOWNS};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Customers; each places one new order (the queries).
    pub customers: usize,
    /// The seed: one seed, one shop.
    pub seed: u64,
    /// A crowded shop, to measure what neighbours cost (see [`Density::Dense`]).
    pub density: Density,
    /// Adds households ordering with one family phone (see [`add_households`]).
    pub households: bool,
    /// Adds customers who write their town two ways, one email on every order and a new phone
    /// on each (see [`add_town_writers`]).
    pub towns: bool,
}

/// How crowded the streets are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Density {
    /// Named streets and a few hundred numbered ones; one customer in twelve a neighbour of an
    /// earlier one.
    #[default]
    Usual,
    /// 30 streets per city (the named ones and six numbered), house numbers 1 to 249, and 12%
    /// of customers a neighbour of an earlier one (the same building, another flat): at a
    /// million past orders the doors and streets are crowded, as a big shop's are in the
    /// districts it serves most. Issue 12 measures the walk's cost on such a history.
    Dense,
}

impl Default for Config {
    /// The size of the shared sample data: 5,000 customers.
    fn default() -> Config {
        Config {
            customers: 5_000,
            seed: 1,
            density: Density::Usual,
            households: false,
            towns: false,
        }
    }
}

/// The past orders span 540 days from 2024-05-01; the new orders come in the week after.
const START: i64 = 1_714_521_600;
const HISTORY_SECS: i64 = 540 * 86_400;
const QUERY_SECS: i64 = 7 * 86_400;

/// What a customer did before and what their new order looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plan {
    /// Took deliveries; maybe cancelled one or left one unconfirmed.
    Good,
    /// Good, and this time typed a throw-away email (one junk field: still good).
    GoodFakeEmail,
    /// Took deliveries and haggled for a gift at least once.
    Negotiator,
    /// Refused a parcel, was unreachable, or had one returned.
    Risky,
    /// Ordered once or twice and never confirmed; the same phone again.
    GhostUnconfirmed,
    /// A first order with a phone nobody can call.
    GhostJunkPhone,
    /// A first order with a real phone and two or three junk fields.
    GhostJunkFields,
    /// A first order.
    New,
    /// A first order with a throw-away email (one junk field: still new).
    NewFakeEmail,
    /// Cancelled before shipping, once or twice; nothing else.
    NewCancelled,
}

/// How many customers in a hundred follow each plan (about the shares of the sample data).
const PLANS: &[(Plan, u32)] = &[
    (Plan::Good, 47),
    (Plan::GoodFakeEmail, 3),
    (Plan::Negotiator, 10),
    (Plan::Risky, 15),
    (Plan::GhostUnconfirmed, 4),
    (Plan::GhostJunkPhone, 3),
    (Plan::GhostJunkFields, 2),
    (Plan::New, 10),
    (Plan::NewFakeEmail, 2),
    (Plan::NewCancelled, 4),
];

/// Which fields of an order are junk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Junk {
    pub phone: bool,
    pub email: bool,
    pub address: bool,
    pub name: bool,
}

impl Junk {
    /// The junk fields that count towards a ghost (the phone has a rule of its own).
    fn fields(self) -> u32 {
        u32::from(self.email) + u32::from(self.address) + u32::from(self.name)
    }
}

/// The class the contract's default policy gives a new order whose fields are `junk`, from
/// the customer's past orders (outcome, negotiated), in the contract's rule order.
pub fn contract_class(past: &[(Outcome, bool)], junk: Junk) -> CustomerClass {
    let any = |f: &dyn Fn(Outcome) -> bool| past.iter().any(|&(o, _)| f(o));
    let delivered = any(&|o| o == Outcome::Delivered);
    if any(&Outcome::is_failed_delivery) {
        CustomerClass::Risky
    } else if !delivered
        && (junk.phone || junk.fields() >= 2 || any(&|o| o == Outcome::Unconfirmed))
    {
        CustomerClass::Ghost
    } else if past.iter().any(|&(_, negotiated)| negotiated) {
        CustomerClass::Negotiator
    } else if delivered {
        CustomerClass::Good
    } else {
        CustomerClass::New
    }
}

/// One phone string of the shop, a row of `phones.tsv`.
pub struct PhoneRow {
    pub raw: String,
    pub country: &'static str,
    /// E.164, or `None` for a junk number.
    pub expected: Option<String>,
    /// How it was typed (`synth:national_dotted`, `synth:junk_short`, ...).
    pub family: String,
}

/// What the generator decided for one customer, in the order of the truth.
pub struct Facts {
    pub plan: Plan,
    /// Their past orders: (outcome, negotiated), oldest first.
    pub past: Vec<(Outcome, bool)>,
    /// The junk fields of their new order.
    pub junk: Junk,
}

/// What the generator made.
pub struct Shop {
    pub data: Dataset,
    pub phones: Vec<PhoneRow>,
    pub facts: Vec<Facts>,
    pub config: Config,
}

/// Generates the shop of `config`.
pub fn generate(config: &Config) -> Shop {
    let mut rng = fastrand::Rng::with_seed(config.seed);
    // Which of a risky customer's orders failed: a stream of its own, so that everything
    // else (texts, ids, plans, the truth) is what it was before failure rates had zones.
    let mut failures = fastrand::Rng::with_seed(config.seed ^ FAILURE_STREAM);
    let mut world = World {
        density: config.density,
        ..World::default()
    };
    let mut shop = Shop {
        data: Dataset {
            history: Vec::new(),
            queries: Vec::new(),
            truth: Some(Vec::new()),
        },
        phones: Vec::new(),
        facts: Vec::with_capacity(config.customers),
        config: config.clone(),
    };
    let mut next_id = 0u64;
    let mut order_id = || {
        next_id += 1;
        format!("o-{}-{next_id:07}", config.seed)
    };
    for _ in 0..config.customers {
        let plan = weighted(&mut rng, PLANS);
        let person = world.person(&mut rng);
        let past = past_outcomes(&mut rng, plan);
        let times = past_times(&mut rng, past.len());
        let phones = phone_numbers(&mut rng, &mut world, &person, plan, past.len());
        let mut streams = Streams {
            rng: &mut rng,
            failures: &mut failures,
            order_id: &mut order_id,
        };
        shop.customer(&mut streams, &person, plan, past, times, &phones);
    }
    // The customers of the options come after the usual ones, each option on streams of its
    // own: the usual customers are the same, byte for byte, with or without them.
    if config.households {
        add_households(&mut shop, &mut world, config);
    }
    if config.towns {
        add_town_writers(&mut shop, &mut world, config);
    }
    // A shop's export is in time order, not customer by customer.
    shop.data.history.sort_by(|a, b| {
        (a.order.placed_at, &a.order.order_id).cmp(&(b.order.placed_at, &b.order.order_id))
    });
    shop.data
        .queries
        .sort_by(|a, b| (a.placed_at, &a.order_id).cmp(&(b.placed_at, &b.order_id)));
    shop
}

/// The seed of the failure stream is the shop's seed xor this.
const FAILURE_STREAM: u64 = 0x6661_696c_7572_6573;
/// The seed of the households' stream is the shop's seed xor this.
const HOUSEHOLD_STREAM: u64 = 0x686f_7573_6568_6f6c;
/// The seed of the town writers' stream is the shop's seed xor this.
const TOWN_STREAM: u64 = 0x746f_776e_7772_6974;

/// One household (`--households`) for this many customers.
pub const HOUSEHOLD_EVERY: usize = 40;
/// One customer writing their town two ways (`--towns`) for this many customers.
pub const TOWN_EVERY: usize = 40;

/// The random streams and the order ids one customer's orders are drawn from.
struct Streams<'a, F: FnMut() -> String> {
    rng: &'a mut fastrand::Rng,
    failures: &'a mut fastrand::Rng,
    order_id: &'a mut F,
}

/// The times of `past` orders, oldest first.
fn past_times(rng: &mut fastrand::Rng, past: usize) -> Vec<i64> {
    let mut times: Vec<i64> = (0..past)
        .map(|_| START + rng.i64(0..HISTORY_SECS))
        .collect();
    times.sort_unstable();
    times
}

impl Shop {
    /// Adds one customer: their past orders (`past`, placed at `times`) and their new order,
    /// order `k` with the phone `phones[k]`, and the truth of the new order.
    fn customer<F: FnMut() -> String>(
        &mut self,
        streams: &mut Streams<'_, F>,
        person: &Person,
        plan: Plan,
        mut past: Vec<(Outcome, bool)>,
        times: Vec<i64>,
        phones: &[String],
    ) {
        let rng = &mut *streams.rng;
        let mut history_ids = Vec::with_capacity(past.len());
        let mut orders = Vec::with_capacity(past.len());
        for (k, at) in times.into_iter().enumerate() {
            let id = (streams.order_id)();
            let junk = past_junk(rng, plan);
            let order = typed_order(rng, person, &id, at, &phones[k], junk, &mut self.phones);
            orders.push(order);
            history_ids.push(id);
        }
        if plan == Plan::Risky {
            fail_by_propensity(streams.failures, person, &orders, &mut past);
        }
        for (order, &(outcome, negotiated)) in orders.into_iter().zip(&past) {
            self.data.history.push(HistoryRecord {
                order,
                outcome,
                negotiated,
            });
        }
        let id = (streams.order_id)();
        let junk = query_junk(rng, plan);
        let at = START + HISTORY_SECS + rng.i64(0..QUERY_SECS);
        let query = typed_order(
            rng,
            person,
            &id,
            at,
            &phones[past.len()],
            junk,
            &mut self.phones,
        );
        self.data.queries.push(query);
        if let Some(truth) = self.data.truth.as_mut() {
            truth.push(Truth {
                order_id: id,
                customer_class: contract_class(&past, junk).as_str().to_string(),
                history_order_ids: history_ids,
            });
        }
        self.facts.push(Facts { plan, past, junk });
    }
}

/// The random streams of one kind of added customer (`--households`, `--towns`): its draws
/// and its failures, apart from the usual customers' so that adding them leaves the usual shop
/// as it was, and its order ids, `o-SEED-{tag}NNNNNN`.
fn added_streams(
    seed: u64,
    stream: u64,
    tag: char,
) -> (fastrand::Rng, fastrand::Rng, impl FnMut() -> String) {
    let mut next_id = 0u64;
    let order_id = move || {
        next_id += 1;
        format!("o-{seed}-{tag}{next_id:06}")
    };
    (
        fastrand::Rng::with_seed(seed ^ stream),
        fastrand::Rng::with_seed(seed ^ stream ^ FAILURE_STREAM),
        order_id,
    )
}

/// Households (`--households`): one for every [`HOUSEHOLD_EVERY`] customers, in the region's
/// countries (not France), each a parent and one to three children ([`names::family`]: one
/// family name, given names of their own) at one door ([`addresses::family_door`]: a villa in
/// Saudi Arabia and the Emirates, else the family's flat or house), sharing the family's phone.
/// Each member has a plan of their own, as any customer; half of them have a phone of their
/// own too, and each of their orders uses it or the family's, as likely; their emails are
/// their own, as any customer's. The truth: each member is their own customer (their new
/// order's history is their own past orders, none of the family's). Their order ids are
/// `o-SEED-hNNNNNN`.
fn add_households(shop: &mut Shop, world: &mut World, config: &Config) {
    let (mut rng, mut failures, mut order_id) = added_streams(config.seed, HOUSEHOLD_STREAM, 'h');
    let region: Vec<(&'static Country, u32)> = COUNTRIES
        .iter()
        .filter(|c| c.code != "FR")
        .map(|c| (c, c.weight))
        .collect();
    for _ in 0..config.customers / HOUSEHOLD_EVERY {
        let country = weighted(&mut rng, &region);
        let size = rng.usize(2..=4);
        let members = names::family(&mut rng, size);
        let door = loop {
            let door = addresses::family_door(&mut rng, country);
            if !world.clash(country, &door, &members) {
                break door;
            }
        };
        let family_phone = world.unique_phone(&mut rng, country);
        for name in members {
            world.settle(country, name, door);
            let plan = weighted(&mut rng, PLANS);
            let own = rng.bool().then(|| world.unique_phone(&mut rng, country));
            let mailbox = (rng.u8(0..20) < 11)
                .then(|| emails::mailbox(&mut rng, &name, &mut world.mailboxes));
            let person = Person {
                country,
                name,
                door,
                phone: family_phone.clone(),
                mailbox,
                town: None,
                writes_email: false,
            };
            let past = past_outcomes(&mut rng, plan);
            let times = past_times(&mut rng, past.len());
            let phones: Vec<String> = (0..=past.len())
                .map(|_| match &own {
                    Some(own) if rng.bool() => own.clone(),
                    _ => family_phone.clone(),
                })
                .collect();
            let mut streams = Streams {
                rng: &mut rng,
                failures: &mut failures,
                order_id: &mut order_id,
            };
            shop.customer(&mut streams, &person, plan, past, times, &phones);
        }
    }
}

/// Customers who write their town two ways (`--towns`): one for every [`TOWN_EVERY`]
/// customers, each living in a town of [`TOWNS`] (drawn uniformly: a town the gazetteer knows
/// under another spelling, or one it lacks), returning (good, negotiator or risky, in the
/// shares of the usual plans), who type on each order one of the town's spellings in either
/// script ([`towns::town_form`]), their one email on every order (in its usual variations)
/// and a phone number of its own on every order (a new SIM, a relative's phone): the email, or
/// the name and the door in that town, are all that ties their orders. Their door is a door of
/// the country's forms in that town; their order ids are `o-SEED-tNNNNNN`.
fn add_town_writers(shop: &mut Shop, world: &mut World, config: &Config) {
    let (mut rng, mut failures, mut order_id) = added_streams(config.seed, TOWN_STREAM, 't');
    let returning = [(Plan::Good, 47), (Plan::Negotiator, 10), (Plan::Risky, 15)];
    for _ in 0..config.customers / TOWN_EVERY {
        let t = rng.usize(..TOWNS.len());
        let town: &'static Town = &TOWNS[t];
        let Some(country) = COUNTRIES.iter().find(|c| c.code == town.country) else {
            continue;
        };
        let plan = weighted(&mut rng, &returning);
        let name = names::person_name(&mut rng);
        // The town's doors are buildings of their own: past the country's cities.
        let door = loop {
            let mut door = addresses::door(&mut rng, country);
            door.city = country.cities.len() + t;
            if !world.clash(country, &door, &[name]) {
                break door;
            }
        };
        world.settle(country, name, door);
        let mailbox = emails::mailbox(&mut rng, &name, &mut world.mailboxes);
        let past = past_outcomes(&mut rng, plan);
        let times = past_times(&mut rng, past.len());
        let phones: Vec<String> = (0..=past.len())
            .map(|_| world.unique_phone(&mut rng, country))
            .collect();
        let person = Person {
            country,
            name,
            door,
            phone: phones[0].clone(),
            mailbox: Some(mailbox),
            town: Some(town),
            writes_email: true,
        };
        let mut streams = Streams {
            rng: &mut rng,
            failures: &mut failures,
            order_id: &mut order_id,
        };
        shop.customer(&mut streams, &person, plan, past, times, &phones);
    }
}

/// A city's failure multiplier: one of five, by a hash of its country and index, so that
/// every seed has the same safe and unsafe cities (about one city in five each way).
pub fn city_factor(country: &str, city: usize) -> f64 {
    const FACTORS: [f64; 5] = [0.35, 0.7, 1.0, 1.5, 2.4];
    FACTORS[(zone_hash(country, city, usize::MAX) % 5) as usize]
}

/// A district's failure multiplier within its city: 0.6, 1.0 or 1.7, by a hash of country,
/// city and district; 1.0 for a door without a district.
pub fn district_factor(country: &str, city: usize, district: Option<usize>) -> f64 {
    const FACTORS: [f64; 3] = [0.6, 1.0, 1.7];
    district.map_or(1.0, |d| FACTORS[(zone_hash(country, city, d) % 3) as usize])
}

/// FNV-1a over the zone's parts: fixed, whatever the seed.
fn zone_hash(country: &str, city: usize, district: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = country
        .bytes()
        .chain(city.to_le_bytes())
        .chain(district.to_le_bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The base chance that a risky customer's order fails, before the zone, the customer and
/// the order multiply it.
const RISKY_BASE: f64 = 0.3;

/// Decides which of a risky customer's past orders failed delivery, on the failure stream.
/// Their propensity is [`RISKY_BASE`] times the city's and the district's factors times their
/// own (log-normal, median 1, sigma 0.6); an order placed at night (22:00 to 06:00 UTC) fails
/// 1.6 times as often and one above 1,500 in its currency 1.4 times (capped at 0.95). Each
/// delivered or failed order that was not negotiated is drawn again; cancelled, unconfirmed and
/// negotiated orders stay what they were. At least one order stays failed (the one the plan
/// chose when none is drawn), so the customer's class, and the truth, do not change.
fn fail_by_propensity(
    rng: &mut fastrand::Rng,
    person: &Person,
    orders: &[Order],
    past: &mut [(Outcome, bool)],
) {
    let code = person.country.code;
    let city = person.door.city;
    let zone = city_factor(code, city) * district_factor(code, city, person.door.district());
    // Box-Muller: one standard normal draw.
    let u1 = rng.f64().max(f64::MIN_POSITIVE);
    let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos();
    let propensity = RISKY_BASE * zone * (0.6 * normal).exp();
    let planned = past.iter().position(|&(o, _)| o.is_failed_delivery());
    let failed = [Outcome::Refused, Outcome::Unreachable, Outcome::Returned];
    let mut any = false;
    for (order, slot) in orders.iter().zip(past.iter_mut()) {
        let (outcome, negotiated) = *slot;
        if negotiated || !(outcome == Outcome::Delivered || outcome.is_failed_delivery()) {
            continue;
        }
        let hour = order.placed_at.rem_euclid(86_400) / 3600;
        let night = if !(6..22).contains(&hour) { 1.6 } else { 1.0 };
        let big = if order.total > 1500.0 { 1.4 } else { 1.0 };
        let p = (propensity * night * big).min(0.95);
        slot.0 = if rng.f64() < p {
            any = true;
            *pick(rng, &failed)
        } else {
            Outcome::Delivered
        };
    }
    if let (false, Some(i)) = (any, planned) {
        past[i].0 = failed[rng.usize(..failed.len())];
    }
}

/// The past orders a plan calls for: (outcome, negotiated), oldest first.
fn past_outcomes(rng: &mut fastrand::Rng, plan: Plan) -> Vec<(Outcome, bool)> {
    // Returning customers: 1 to 6 past orders, fewer more often.
    let returning =
        |rng: &mut fastrand::Rng| 1 + [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5][rng.usize(..12)];
    let mut past: Vec<(Outcome, bool)> = match plan {
        Plan::New | Plan::NewFakeEmail | Plan::GhostJunkPhone | Plan::GhostJunkFields => {
            return Vec::new()
        }
        Plan::NewCancelled => return vec![(Outcome::Cancelled, false); rng.usize(1..=2)],
        Plan::GhostUnconfirmed => return vec![(Outcome::Unconfirmed, false); rng.usize(1..=2)],
        Plan::Good | Plan::GoodFakeEmail | Plan::Negotiator | Plan::Risky => (0..returning(rng))
            .map(|_| {
                let outcome = if rng.u8(0..12) == 0 {
                    Outcome::Cancelled
                } else {
                    Outcome::Delivered
                };
                (outcome, false)
            })
            .collect(),
    };
    // Every returning customer took a delivery at least once (one delivery outweighs an
    // unconfirmed order; a risky customer may have failed every time, set below).
    let anchor = rng.usize(..past.len());
    past[anchor].0 = Outcome::Delivered;
    match plan {
        Plan::Good | Plan::GoodFakeEmail if past.len() > 1 && rng.u8(0..20) == 0 => {
            let i = (anchor + 1) % past.len();
            past[i].0 = Outcome::Unconfirmed;
        }
        Plan::Negotiator => past[anchor].1 = true,
        Plan::Risky => {
            let failed = [Outcome::Refused, Outcome::Unreachable, Outcome::Returned];
            let i = rng.usize(..past.len());
            past[i].0 = *pick(rng, &failed);
            if past.len() > 2 && rng.bool() {
                let j = rng.usize(..past.len());
                past[j].0 = *pick(rng, &failed);
            }
            if rng.u8(0..8) == 0 {
                let j = rng.usize(..past.len());
                if past[j].0 == Outcome::Delivered {
                    past[j].1 = true;
                }
            }
        }
        _ => {}
    }
    past
}

/// The junk fields of a past order: only a ghost's never-confirmed orders have any.
fn past_junk(rng: &mut fastrand::Rng, plan: Plan) -> Junk {
    match plan {
        Plan::GhostUnconfirmed => Junk {
            email: rng.u8(0..5) < 2,
            address: rng.u8(0..10) < 3,
            ..Junk::default()
        },
        _ => Junk::default(),
    }
}

/// The junk fields of the new order.
fn query_junk(rng: &mut fastrand::Rng, plan: Plan) -> Junk {
    match plan {
        Plan::GoodFakeEmail | Plan::NewFakeEmail => Junk {
            email: true,
            ..Junk::default()
        },
        Plan::GhostUnconfirmed => Junk {
            email: rng.u8(0..10) < 3,
            ..Junk::default()
        },
        Plan::GhostJunkPhone => Junk {
            phone: true,
            email: rng.bool(),
            address: rng.u8(0..10) < 3,
            ..Junk::default()
        },
        Plan::GhostJunkFields => {
            // Two or three of the three fields.
            let spared = rng.u8(0..4);
            Junk {
                email: spared != 0,
                address: spared != 1,
                name: spared != 2,
                ..Junk::default()
            }
        }
        _ => Junk::default(),
    }
}

/// The national number each of a customer's orders uses (past orders, then the new one). One
/// returning customer in twelve changes numbers: from some order on, including perhaps only the
/// new one, a new number; the email, or the address and name together, still tie them.
fn phone_numbers(
    rng: &mut fastrand::Rng,
    world: &mut World,
    person: &Person,
    plan: Plan,
    past: usize,
) -> Vec<String> {
    let mut numbers = vec![person.phone.clone(); past + 1];
    let keeps_number = matches!(
        plan,
        Plan::GhostUnconfirmed | Plan::NewCancelled | Plan::GhostJunkPhone
    );
    if past > 0 && !keeps_number && rng.u8(0..12) == 0 {
        let from = rng.usize(1..=past);
        let new = world.unique_phone(rng, person.country);
        for n in &mut numbers[from..] {
            n.clone_from(&new);
        }
    }
    numbers
}

/// A customer: the facts every order of theirs varies around.
struct Person {
    country: &'static Country,
    name: PersonName,
    door: Door,
    /// National significant number.
    phone: String,
    mailbox: Option<String>,
    /// A town written several ways (`--towns`), instead of the city of the door.
    town: Option<&'static Town>,
    /// Types the email on every order (`--towns`), not six times in ten.
    writes_email: bool,
}

/// Everything handed out so far, so that no two customers share a phone or a mailbox by
/// chance, and no two customers at one building share a given or a family name (namesakes
/// live elsewhere; the households of `--households` are the one exception: a family shares
/// its family name, and its door).
#[derive(Default)]
struct World {
    phones: HashSet<(&'static str, String)>,
    mailboxes: HashSet<String>,
    /// The names and flats of the customers living in each building.
    buildings: HashMap<Building, Vec<(PersonName, Option<u32>)>>,
    /// Earlier customers, for namesakes and neighbours.
    people: Vec<(&'static Country, PersonName, Door)>,
    density: Density,
}

impl World {
    /// A new customer: one in sixteen a namesake of an earlier one, one in twelve their
    /// neighbour, the rest anyone.
    /// Dense: one in sixteen a namesake, 12% a neighbour.
    fn person(&mut self, rng: &mut fastrand::Rng) -> Person {
        // (namesake, neighbour) as a roll below each bound, out of `of`.
        let (namesake, neighbour, of) = match self.density {
            Density::Usual => (3, 7, 48),
            Density::Dense => (6, 18, 96),
        };
        let roll = rng.u8(0..of);
        let earlier =
            (!self.people.is_empty()).then(|| self.people[rng.usize(..self.people.len())]);
        let (country, name, door) = match earlier {
            Some((country, name, _)) if roll < namesake => {
                let name = names::namesake(rng, &name);
                (country, name, self.free_door(rng, country, &name))
            }
            Some((country, _, door)) if roll < neighbour && self.has_room(country, &door) => {
                let occupants = &self.buildings[&building(country, &door)];
                let avoid: Vec<PersonName> = occupants.iter().map(|(n, _)| *n).collect();
                let name = names::other_name(rng, &avoid);
                let door = loop {
                    let d = addresses::neighbour(rng, &door);
                    if occupants.iter().all(|(_, flat)| *flat != d.flat) {
                        break d;
                    }
                };
                (country, name, door)
            }
            _ => {
                let country = weighted(
                    rng,
                    &COUNTRIES.iter().map(|c| (c, c.weight)).collect::<Vec<_>>(),
                );
                let name = names::person_name(rng);
                (country, name, self.free_door(rng, country, &name))
            }
        };
        self.settle(country, name, door);
        self.people.push((country, name, door));
        let phone = self.unique_phone(rng, country);
        let mailbox =
            (rng.u8(0..20) < 11).then(|| emails::mailbox(rng, &name, &mut self.mailboxes));
        Person {
            country,
            name,
            door,
            phone,
            mailbox,
            town: None,
            writes_email: false,
        }
    }

    /// Whether the building of `door` can take one more neighbour: a given name and a family
    /// name nobody there has, and a flat nobody there lives in. A dense shop fills its douars
    /// and complexes to that point (at 500,000 customers), where the neighbour's draws would
    /// loop for ever; the customer is then placed as anyone is.
    fn has_room(&self, country: &'static Country, door: &Door) -> bool {
        let occupants = &self.buildings[&building(country, door)];
        let firsts: HashSet<usize> = occupants.iter().map(|(n, _)| n.first).collect();
        let lasts: HashSet<usize> = occupants.iter().map(|(n, _)| n.last).collect();
        let mut flats = addresses::NEIGHBOUR_FLATS;
        let flat_free = flats
            .any(|f| door.flat != Some(f) && occupants.iter().all(|(_, flat)| *flat != Some(f)));
        firsts.len() < names::FIRST.len() && lasts.len() < names::LAST.len() && flat_free
    }

    /// A door whose building has nobody sharing a given or family name with `name`.
    fn free_door(
        &self,
        rng: &mut fastrand::Rng,
        country: &'static Country,
        name: &PersonName,
    ) -> Door {
        loop {
            let mut door = addresses::door(rng, country);
            if self.density == Density::Dense {
                if let addresses::Street::Numbered(n) = door.street {
                    door.street = addresses::Street::Numbered(1 + n % 6);
                }
                // The region's complexes crowd too: a few buildings (plots) each.
                if !matches!(
                    door.street,
                    addresses::Street::Named(_) | addresses::Street::Numbered(_)
                ) {
                    door.house = 1 + door.house % 6;
                }
            }
            if !self.clash(country, &door, std::slice::from_ref(name)) {
                return door;
            }
        }
    }

    /// True when someone living in the building of `door` shares a given or a family name
    /// with one of `names`.
    fn clash(&self, country: &Country, door: &Door, names: &[PersonName]) -> bool {
        self.buildings
            .get(&building(country, door))
            .is_some_and(|occupants| {
                occupants.iter().any(|(n, _)| {
                    names
                        .iter()
                        .any(|name| n.first == name.first || n.last == name.last)
                })
            })
    }

    /// Records that `name` lives at `door`.
    fn settle(&mut self, country: &'static Country, name: PersonName, door: Door) {
        self.buildings
            .entry(building(country, &door))
            .or_default()
            .push((name, door.flat));
    }

    fn unique_phone(&mut self, rng: &mut fastrand::Rng, country: &'static Country) -> String {
        loop {
            let nsn = phones::mobile_number(rng, country);
            if self.phones.insert((country.code, nsn.clone())) {
                return nsn;
            }
        }
    }
}

/// One order of `person`, typed their way this time, with the `junk` fields junk. Its
/// phone string is added to `phones`.
#[allow(clippy::too_many_arguments)]
fn typed_order(
    rng: &mut fastrand::Rng,
    person: &Person,
    id: &str,
    at: i64,
    nsn: &str,
    junk: Junk,
    phones: &mut Vec<PhoneRow>,
) -> Order {
    let country = person.country;
    let (phone, family, expected) = if junk.phone {
        let (raw, family) = phones::junk_phone(rng, country);
        (raw, family, None)
    } else {
        let (raw, family) = phones::phone_form(rng, country, nsn);
        (raw, family, Some(format!("+{}{nsn}", country.dialling)))
    };
    phones.push(PhoneRow {
        raw: phone.clone(),
        country: country.code,
        expected,
        family: format!("synth:{family}"),
    });
    let email = match &person.mailbox {
        _ if junk.email => emails::fake_email(rng),
        Some(mailbox) if person.writes_email || rng.u8(0..10) < 6 => {
            emails::email_form(rng, mailbox)
        }
        _ => String::new(),
    };
    Order {
        order_id: id.into(),
        placed_at: at,
        name: if junk.name {
            names::junk_name(rng)
        } else {
            names::name_form(rng, &person.name)
        },
        phone,
        email,
        address: if junk.address {
            addresses::junk_address(rng)
        } else {
            addresses::address_form(rng, &person.door)
        },
        city: match person.town {
            Some(town) => towns::town_form(rng, town),
            None => addresses::city_form(rng, country, &person.door),
        },
        country: country.code.into(),
        total: f64::from(rng.u32(5_000..200_000)) / 100.0,
        currency: country.currency.into(),
    }
}

/// A building: country, city, street, house number.
type Building = (&'static str, usize, Street, u32);

fn building(country: &Country, door: &Door) -> Building {
    let (city, street, house) = door.building();
    (country.code, city, street, house)
}

impl Shop {
    /// Writes `history.jsonl`, `queries.jsonl`, `truth.jsonl` (the formats of the shared
    /// sample data), `phones.tsv` and `meta.json` into `dir`, creating it.
    ///
    /// # Errors
    /// The first I/O error, with the path it happened on.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        self.data.write(dir)?;
        let mut tsv = String::from("raw\tcountry\texpected\tfamily\n");
        for p in &self.phones {
            let expected = p.expected.as_deref().unwrap_or("invalid");
            tsv.push_str(&format!(
                "{}\t{}\t{expected}\t{}\n",
                p.raw, p.country, p.family
            ));
        }
        let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
        for t in self.data.truth.iter().flatten() {
            *classes.entry(t.customer_class.as_str()).or_default() += 1;
        }
        let mut plans: BTreeMap<String, usize> = BTreeMap::new();
        for f in &self.facts {
            *plans.entry(format!("{:?}", f.plan)).or_default() += 1;
        }
        let mut meta = serde_json::json!({
            "generator": "codguard examples/synth",
            "seed": self.config.seed,
            "customers": self.config.customers,
            "history": self.data.history.len(),
            "queries": self.data.queries.len(),
            "phones": self.phones.len(),
            "classes": classes,
            "plans": plans,
        });
        // The options' customers, when asked for (the usual shop's meta.json is unchanged).
        let extra = |prefix: &str| {
            self.data
                .queries
                .iter()
                .filter(|q| q.order_id.as_str().starts_with(prefix))
                .count()
        };
        let seed = self.config.seed;
        if self.config.households {
            meta["household_members"] = extra(&format!("o-{seed}-h")).into();
        }
        if self.config.towns {
            meta["town_writers"] = extra(&format!("o-{seed}-t")).into();
        }
        let meta = serde_json::to_string_pretty(&meta).map_err(|e| e.to_string())?;
        for (name, text) in [("phones.tsv", tsv), ("meta.json", meta + "\n")] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }
}

/// A uniformly drawn item of `items`.
pub fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// An item of `items` drawn with the weights given next to each.
fn weighted<T: Copy>(rng: &mut fastrand::Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.u32(0..total);
    for &(item, w) in items {
        if roll < w {
            return item;
        }
        roll -= w;
    }
    items[items.len() - 1].0
}
