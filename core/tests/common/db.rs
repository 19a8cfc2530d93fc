//! A shop's database simulated in a HashMap, for the store-mode tests: the rows `Store::write`
//! returns, and the lookups' loop of wanted keys and supplied rows.

#![allow(dead_code)] // each test file takes the parts it needs

use std::collections::HashMap;

use codguard::assessment::Assessment;
use codguard::store::{OrderRow, Store};
use codguard::{HistoryRecord, Order};

/// A database in a HashMap: key -> rows filed under it (what `cg_keys JOIN cg_orders` returns).
#[derive(Default)]
pub struct Db {
    pub keys: HashMap<i64, Vec<OrderRow>>,
    pub reads: usize,
}

impl Db {
    pub fn add(&mut self, store: &Store, record: &HistoryRecord) {
        let w = store.write(record).unwrap();
        for k in w.keys {
            self.keys.entry(k).or_default().push(w.order.clone());
        }
    }

    pub fn assess(&mut self, store: &Store, order: &Order) -> Assessment {
        let mut lookup = store.assess(order).unwrap();
        loop {
            let wanted = lookup.wanted();
            if wanted.is_empty() {
                return lookup.assessment();
            }
            for key in wanted {
                let rows = self.keys.get(&key).cloned().unwrap_or_default();
                self.reads += rows.len();
                lookup.supply(key, rows).unwrap();
            }
        }
    }

    pub fn erase_by_phone(&mut self, store: &Store, phone: &str, country: &str) -> usize {
        let mut lookup = store.erase_by_phone(phone, country).unwrap();
        loop {
            let wanted = lookup.wanted();
            if wanted.is_empty() {
                break;
            }
            for key in wanted {
                let rows = self.keys.get(&key).cloned().unwrap_or_default();
                lookup.supply(key, rows).unwrap();
            }
        }
        let ids = lookup.erase_ids();
        for rows in self.keys.values_mut() {
            rows.retain(|r| !ids.contains(&r.order_id));
        }
        self.keys.retain(|_, rows| !rows.is_empty());
        ids.len()
    }
}
