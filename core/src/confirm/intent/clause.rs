//! From the words of a reply to what they ask: which word a negation reaches, what "I want"
//! wants, and when a "no" is not a refusal ("no no, send it").
//!
//! The reading is deliberately one-sided: anything that would need judgement (a question, a
//! condition, a "but", a hedge, "later", a negated "yes", "not now", "not me") marks the reply
//! [`Summary::unclear`], and the caller answers `unknown`.

use super::lexicon::{AfterNo, Class};

/// One word or phrase of a reply, as the lexicon read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    /// A known word or phrase.
    Word(Class),
    /// A verb written with its own negation (`mabghitch`, `مطلبتش`).
    NegatedVerb(Class),
    /// A verb (`Class::is_verb`), with what a `لا` or "no" right before it is: it forbids a
    /// second person (`لا تلغوا` "don't cancel"), answers an imperative (`la sifto` "no, send
    /// it"), and leaves a dialect verb unclear (`لا بغيتها`).
    Verb(Class, AfterNo),
    /// A word the lexicon does not know.
    Other,
    /// A word whose meaning cannot be told: it depends on a country the caller did not give,
    /// or it is a `لا` that may answer or negate the verb after it.
    Ambiguous,
    /// Punctuation that ends a clause (`,` `.` `!` `;` `:`).
    Break,
}

/// A word that counts, after negation: `class` is `None` for an unknown word.
#[derive(Debug, Clone, Copy)]
struct Unit {
    class: Option<Class>,
    negated: bool,
    /// The clause the word is in (breaks between words end clauses).
    clause: usize,
}

/// A signal for or against shipping, at its place in the reply.
#[derive(Debug, Clone, Copy)]
struct Signal {
    at: usize,
    /// "Send it", "I confirm", "I want it", "cancel", "I did not order"; not a bare "yes",
    /// "OK" or "no".
    strong: bool,
    /// Yields to any other signal ("safi").
    soft: bool,
}

/// What the words of a reply add up to, before any number in it is considered.
#[derive(Debug, Default)]
pub(super) struct Summary {
    /// Reading it would be a guess: a question, a condition, "but", a hedge, "later", a
    /// negation of something other than a verb, a word whose sense depends on the country.
    pub(super) unclear: bool,
    /// Words the lexicon does not know.
    pub(super) others: usize,
    /// Words about a phone number ("number", "call me on", "new").
    pub(super) phone_words: usize,
    for_shipping: Vec<Signal>,
    against_shipping: Vec<Signal>,
    /// "1" or "2" as the whole reply.
    only: Option<bool>,
    /// Days and times ("tomorrow", `دابا`): beside a "yes" a delivery wish, beside a "no" a
    /// new date ("non, demain"), which is a person's call.
    times: usize,
}

/// What the words lean to, when they lean at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Leaning {
    Confirm,
    Cancel,
}

impl Summary {
    /// Reads a reply's items (`Item::Break` between clauses).
    pub(super) fn read(items: &mut [Item]) -> Summary {
        resolve_not_before_verb(items);
        resolve_no(items);
        let mut summary = Summary::default();
        let units = summary.scope_negations(items);
        summary.weigh(&units);
        summary
    }

    /// A refusal stronger than a bare "no" ("cancel", "I did not order").
    pub(super) fn refuses(&self) -> bool {
        self.against_shipping.iter().any(|s| s.strong)
    }

    /// Any signal for or against shipping.
    pub(super) fn has_signal(&self) -> bool {
        !self.for_shipping.is_empty() || !self.against_shipping.is_empty() || self.only.is_some()
    }

    /// Confirm or cancel when the words agree, `None` when they do not or say nothing.
    ///
    /// Mixed signals are `None`, except a bare "no" (or several) before a "send it" or "I
    /// confirm": "no no, send it", "la la sifto", "non non, envoyez-la" deny a doubt and ship;
    /// and a bare "yes" (or several) before a "cancel": "ok cancel", `ايوه كنسل`, "oui annulez"
    /// answer the message, then ask it.
    pub(super) fn leaning(&self) -> Option<Leaning> {
        if let Some(confirm) = self.only {
            let alone = self.for_shipping.is_empty() && self.against_shipping.is_empty();
            return alone.then_some(if confirm {
                Leaning::Confirm
            } else {
                Leaning::Cancel
            });
        }
        // A soft "yes" ("safi") yields to a firmer word for shipping or to a refusal stronger
        // than a bare "no": "safi, mab9itch" refuses, "safi la" stays mixed.
        let con = self.against_shipping.as_slice();
        let yields = self.for_shipping.iter().any(|s| !s.soft) || con.iter().any(|s| s.strong);
        let firm: Vec<Signal>;
        let pro = if yields {
            firm = self
                .for_shipping
                .iter()
                .copied()
                .filter(|s| !s.soft)
                .collect();
            firm.as_slice()
        } else {
            self.for_shipping.as_slice()
        };
        match (pro.is_empty(), con.is_empty()) {
            (true, true) => None,
            (false, true) => Some(Leaning::Confirm),
            (true, false) => (self.times == 0).then_some(Leaning::Cancel),
            (false, false) => {
                let first = |side: &[Signal]| side.iter().map(|s| s.at).min().unwrap_or(0);
                let last = |side: &[Signal]| side.iter().map(|s| s.at).max().unwrap_or(usize::MAX);
                let bare_first = |first_side: &[Signal], then: &[Signal]| {
                    first_side.iter().all(|s| !s.strong)
                        && last(first_side) < first(then)
                        && then.iter().any(|s| s.strong)
                };
                if bare_first(con, pro) {
                    Some(Leaning::Confirm)
                } else if bare_first(pro, con) {
                    Some(Leaning::Cancel)
                } else {
                    None
                }
            }
        }
    }

    /// Applies each negation to the word it reaches and returns the words that count.
    ///
    /// "not", `ما`, "ne" reach the next word that counts (fillers are skipped, "me" is not:
    /// "not me"); "pas", "plus", `والو` reach the word before them when there is one ("je veux
    /// plus") and else the next ("pas maintenant"). Two negations of one word are one ("je ne
    /// veux pas", `ما بغيتش`): dialects repeat a negation for emphasis, never to cancel it. A
    /// negation that reaches nothing ("ce n'est pas moi", "ماشي أنا" after "me" is read) makes
    /// the reply unclear, except "no longer" (`mab9itch`), which alone refuses.
    fn scope_negations(&mut self, items: &[Item]) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::with_capacity(items.len());
        let mut pending: Option<Class> = None;
        let mut clause = 0;
        let mut clause_start = 0;
        for item in items {
            let class = match *item {
                Item::Break => {
                    self.dangling(pending.take(), clause, &mut units);
                    clause += 1;
                    clause_start = units.len();
                    continue;
                }
                Item::Ambiguous => {
                    self.unclear = true;
                    continue;
                }
                Item::NegatedVerb(c) => {
                    pending = None;
                    units.push(Unit {
                        class: Some(c),
                        negated: true,
                        clause,
                    });
                    continue;
                }
                Item::Other => None,
                Item::Word(c) | Item::Verb(c, _) => Some(c),
            };
            match class {
                Some(Class::Filler) => {}
                Some(Class::Negation) => {
                    pending.get_or_insert(Class::Negation);
                }
                Some(Class::NoLonger) => pending = Some(Class::NoLonger),
                Some(Class::NegationAfter) => match units[clause_start..].last_mut() {
                    Some(before) if pending.is_none() => before.negated = true,
                    _ => {
                        pending.get_or_insert(Class::Negation);
                    }
                },
                _ => units.push(Unit {
                    class,
                    negated: pending.take().is_some(),
                    clause,
                }),
            }
        }
        self.dangling(pending, clause, &mut units);
        units
    }

    /// A negation left at the end of a clause: "no longer" refuses, any other is unclear.
    fn dangling(&mut self, pending: Option<Class>, clause: usize, units: &mut Vec<Unit>) {
        match pending {
            Some(Class::NoLonger) => units.push(Unit {
                class: Some(Class::Cancel),
                negated: false,
                clause,
            }),
            Some(_) => self.unclear = true,
            None => {}
        }
    }

    /// Turns the words that count into signals.
    fn weigh(&mut self, units: &[Unit]) {
        let content = units
            .iter()
            .filter(|u| !matches!(u.class, Some(Class::SelfRef | Class::Time)))
            .count();
        let mut skip_next = false;
        for (at, unit) in units.iter().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            let Some(class) = unit.class else {
                if unit.negated {
                    self.unclear = true;
                } else {
                    self.others += 1;
                }
                continue;
            };
            let strong = Signal {
                at,
                strong: true,
                soft: false,
            };
            let weak = Signal {
                strong: false,
                ..strong
            };
            match (class, unit.negated) {
                (Class::Want, negated) => {
                    let next = units.get(at + 1).filter(|n| n.clause == unit.clause);
                    skip_next = self.want(negated, next, strong);
                }
                (Class::Yes, false) => self.for_shipping.push(weak),
                (Class::SoftYes, false) => self.for_shipping.push(Signal { soft: true, ..weak }),
                (Class::Confirm | Class::Send, false) => self.for_shipping.push(strong),
                (Class::Send, true) | (Class::Cancel | Class::Ordered, _) => {
                    if class == Class::Cancel && unit.negated {
                        // "Don't cancel", "n'annulez pas".
                        self.for_shipping.push(weak);
                    } else if class == Class::Cancel || unit.negated {
                        self.against_shipping.push(strong);
                    }
                }
                (Class::No, false) => self.against_shipping.push(weak),
                (Class::PhoneWord, false) => self.phone_words += 1,
                (Class::SelfRef, false) => {}
                (Class::Time, false) => self.times += 1,
                (Class::OnlyConfirm | Class::OnlyCancel, false) if content == 1 => {
                    self.only = Some(class == Class::OnlyConfirm);
                }
                (Class::OnlyConfirm | Class::OnlyCancel, false) => self.others += 1,
                // A negated "yes", "not now", "not me", and every question, condition, "but",
                // hedge and "later".
                _ => self.unclear = true,
            }
        }
    }

    /// "I want", read with the word after it in the same clause; true when that word was used.
    ///
    /// Nothing after (or "the order", "it"): "I want it" ships, "I don't want it" refuses.
    /// A cancel after: "I want to cancel" refuses, "I don't want to cancel" ships (weakly).
    /// A "send"/"confirm"/"yes" after: "I want to confirm" ships. Anything else ("I want to
    /// change the address", "I don't want to wait") is a person's call.
    fn want(&mut self, negated: bool, next: Option<&Unit>, strong: Signal) -> bool {
        // A soft "yes" after it is "that's it": "mabghitch, safi".
        let next = next.filter(|n| n.class != Some(Class::SoftYes));
        let next_class = next.map(|n| (n.class, n.negated));
        match next_class {
            None | Some((Some(Class::Ordered | Class::SelfRef), false)) => {
                if negated {
                    self.against_shipping.push(strong);
                } else {
                    self.for_shipping.push(strong);
                }
                next.is_some()
            }
            Some((Some(Class::Cancel), false)) => {
                if negated {
                    self.for_shipping.push(Signal {
                        strong: false,
                        ..strong
                    });
                } else {
                    self.against_shipping.push(strong);
                }
                true
            }
            Some((Some(Class::Send | Class::Confirm | Class::Yes | Class::SoftYes), false))
                if !negated =>
            {
                self.for_shipping.push(strong);
                true
            }
            _ => {
                self.unclear = true;
                false
            }
        }
    }
}

/// Decides what each `لا`/`la`/"no" is: "no", "not", or, for Latin `la`/`le` inside a clause,
/// the French article or pronoun: after a verb ("envoyez-la", "annulez-le") or before another
/// word ("je la veux"). Where a clause ends with it after anything else ("wakha la") it is "no".
///
/// Right before a verb it is what the verb's [`AfterNo`] says: "not" before a second person
/// (`لا تلغوا` "don't cancel") and the verbs that Modern Standard Arabic and expatriate English
/// negate that way (`لا أريد`, "no want"); "no" before an imperative "send" or "cancel", which
/// it answers (`لا الغوه` "no, cancel it", `la sifto` "no, send it"); and unclear before a
/// dialect verb, whose own negation is `ما` (`لا بغيتها`, `لا ابيه`: "no, I want it" as often
/// as "I don't want it"), or before "want" and a "cancel" ("no want cancel"). Before a "yes" it
/// is "not". After another "no" it is "no" (`لا لا أرسلوه`, `la la bghitha`), but unclear
/// before a verb it would negate ("no no want": "no, no, I want it" or "no, I don't want it").
fn resolve_no(items: &mut [Item]) {
    for i in 0..items.len() {
        let Item::Word(class @ (Class::NoOrNot | Class::NoAtStart)) = items[i] else {
            continue;
        };
        let prev = i.checked_sub(1).and_then(|p| items.get(p)).copied();
        let after_no = prev == Some(Item::Word(Class::No));
        let at_start = matches!(prev, None | Some(Item::Break)) || after_no;
        let next = items.get(i + 1).copied();
        let after_verb = matches!(prev, Some(Item::Verb(..)));
        let clause_goes_on = !matches!(next, None | Some(Item::Break));
        items[i] = match next {
            _ if class == Class::NoAtStart && !at_start && (after_verb || clause_goes_on) => {
                Item::Word(Class::Filler)
            }
            // "no no want": "no, no, I want it" or "no, I don't want it".
            Some(Item::Verb(_, AfterNo::Not)) if after_no => Item::Ambiguous,
            _ if after_no => Item::Word(Class::No),
            // "no want cancel": "I don't want to cancel" or "no, I want to cancel".
            Some(Item::Verb(Class::Want, AfterNo::Not))
                if matches!(items.get(i + 2), Some(Item::Verb(Class::Cancel, _))) =>
            {
                Item::Ambiguous
            }
            Some(Item::Verb(_, AfterNo::Not)) | Some(Item::Word(Class::Yes)) => {
                Item::Word(Class::Negation)
            }
            Some(Item::Verb(_, AfterNo::Unclear)) => Item::Ambiguous,
            _ => Item::Word(Class::No),
        };
    }
}

/// Decides what each Latin `ma` is: "not" right before a verb (`ma abi` "I don't want", `ma
/// bghit`, `la ma abgha`), the French "my" (a filler) anywhere else (`ma commande`). A "cancel"
/// after it is a noun ("ma annulation"), so `ma` stays "my" there.
fn resolve_not_before_verb(items: &mut [Item]) {
    for i in 0..items.len() {
        if items[i] != Item::Word(Class::NotBeforeVerb) {
            continue;
        }
        let next = items.get(i + 1).copied();
        items[i] = match next {
            Some(Item::Verb(c, _)) if c != Class::Cancel => Item::Word(Class::Negation),
            _ => Item::Word(Class::Filler),
        };
    }
}
