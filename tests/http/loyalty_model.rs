//! The loyalty points ledger against a model. Random sequences of manual additions and
//! subtractions (replayed, with reused keys, over the balance, refused inputs), settings
//! changes (program on and off, rate, awards, earn status, selected products, expiry), orders
//! moving through paid/shipped/delivered/cancelled, newsletter awards, reviews, rewards and
//! exchange orders (placed, replayed, accepted, rejected, out of stock) and expiry sweeps.
//! After every step the answer and the whole state (balance, ledger sum, the ledger itself,
//! the customer row's figure, held points, lifetime total, rewards, exchange orders, reviews,
//! orders, settings) are compared with a small in-memory model.
//!
//! What an order is worth is computed here from its lines, never with `loyalty::order_points`.
//! Expiry: every award happens during the run, so a sweep at the real current time expires
//! nothing; a sweep a century ahead empties every account with points (earlier cases'
//! customers too: their balances are read back when their case ends).
//!
//! Reproduce a run with `LOYALTY_MODEL_SEED=<the seed printed at the start>`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime, Utc};
use clientela::db::customers::CustomerRow;
use clientela::db::loyalty::{EntryRow, ExchangeRow, ReviewRow, RewardRow};
use clientela::db::store::{NewProduct, insert_product};
use clientela::db::{DbConn, schema, write_tx};
use clientela::domain::loyalty::{
    self, AdjustInput, LoyaltyError, MAX_POINTS, ReviewInput, RewardInput, Settings, SettingsInput,
};
use clientela::domain::orders::{self, LineInput, change_status};
use diesel::prelude::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{
    Config as ProptestConfig, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};

use crate::common::TestApp;
use crate::customers::customer;

const CASES: u32 = 40;
const OPS_PER_CASE: std::ops::RangeInclusive<usize> = 250..=310;
const MIN_TOTAL_OPS: usize = 10_000;
const MAX_KEY: usize = 100;
/// Products each case creates, with their prices.
const PRICES: [i64; 4] = [1999, 4550, 120, 99_999];

type Errors = Vec<(&'static str, &'static str)>;
type Pairs = &'static [(&'static str, &'static str)];

#[rustfmt::skip]
const BAD_POINTS: &[&str] = &[
    "0", "00", "-1", "1.5", "1,5", "abc", "", "   ", "+5", "1 000", "１２", "10000001",
    "99999999999999999999",
];
const BAD_KEYS: &[&str] = &["a:b", "a b", "clé", "tab\tkey", "order:1"];
/// Reward texts refused before anything is looked up, then ids of no reward.
const BAD_REWARDS: [&str; 4] = ["abc", "", "-1", "999999999"];
const DIRECTIONS: [&str; 5] = ["add", "subtract", "", "Add", "remove"];
#[rustfmt::skip]
const RATES: [(&str, i64); 8] = [
    ("1", 100), ("0,5", 50), ("1.5", 150), ("2.25", 225), ("0", 0), ("0.01", 1), ("10", 1000),
    ("1000", 100_000),
];
const AWARDS: [(&str, i64); 5] = [("", 0), ("0", 0), ("50", 50), ("7", 7), (" 120 ", 120)];
const STATUSES: [&str; 3] = ["paid", "shipped", "delivered"];
#[rustfmt::skip]
const EXPIRIES: [(&str, Option<u32>); 4] =
    [("", None), ("30", Some(30)), ("1", Some(1)), ("3650", Some(3650))];
/// Settings forms refused: the fields changed from valid ones, and the errors in the order
/// they are reported.
#[rustfmt::skip]
const BAD_SETTINGS: &[(Pairs, Pairs)] = &[
    (&[("rate", "abc")], &[("rate", "loyalty-error-rate")]),
    (&[("rate", "1.234")], &[("rate", "loyalty-error-rate")]),
    (&[("rate", "1001")], &[("rate", "loyalty-error-rate")]),
    (&[("rate", "-1")], &[("rate", "loyalty-error-rate")]),
    (&[("newsletter_points", "-5")], &[("newsletter_points", "loyalty-error-points-whole")]),
    (&[("review_points", "1.5")], &[("review_points", "loyalty-error-points-whole")]),
    (&[("earn_status", "pending")], &[("earn_status", "loyalty-error-status")]),
    (&[("expiry_days", "0")], &[("expiry_days", "credit-error-expiry-days")]),
    (&[("expiry_days", "3651")], &[("expiry_days", "credit-error-expiry-days")]),
    (&[("scope", "selected")], &[("products", "loyalty-error-products-none")]),
    (&[("scope", "selected"), ("products", "x")],
     &[("products", "loyalty-error-products"), ("products", "loyalty-error-products-none")]),
    (&[("products", "-1")], &[("products", "loyalty-error-products")]),
    (&[("rate", "x"), ("newsletter_points", "99999999999"), ("review_points", "0"),
       ("earn_status", ""), ("expiry_days", "abc"), ("products", "-1")],
     &[("rate", "loyalty-error-rate"), ("newsletter_points", "loyalty-error-points-too-many"),
       ("earn_status", "loyalty-error-status"), ("expiry_days", "credit-error-expiry-days"),
       ("products", "loyalty-error-products")]),
];

/// A manual change's reason, with the error it gets.
fn reason_text(i: usize) -> (String, Option<&'static str>) {
    let (text, err) = match i {
        0 => ("Bonus".to_owned(), None),
        1 => ("  Korekta ręczna  ".to_owned(), None),
        2 => ("ę".repeat(200), None),
        3 => ("   ".to_owned(), Some("error-required")),
        4 => ("ę".repeat(201), Some("error-too-long")),
        5 => ("a\u{7}b".to_owned(), Some("error-invalid-characters")),
        _ => ("linia\ndruga".to_owned(), Some("error-invalid-characters")),
    };
    (text, err)
}

/// A review's text, with the error it gets.
fn body_text(i: usize) -> (String, Option<&'static str>) {
    match i {
        1 => ("  ".to_owned(), Some("error-required")),
        2 => ("ó".repeat(2001), Some("error-too-long")),
        3 => ("zły\u{1b}znak".to_owned(), Some("error-invalid-characters")),
        _ => ("Świetny kubek.\r\nPolecam!".to_owned(), None),
    }
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Points {
    Fixed(i64),
    Max,
    /// The balance plus this.
    Balance(i8),
    Bad(usize),
}

#[derive(Debug, Clone)]
enum Key {
    Fresh,
    /// A fresh key of exactly the longest length allowed.
    Longest,
    /// A key sent before in the same kind of request (if any).
    Reuse(Index),
    /// A key sent before in the other kind of request (manual change ↔ exchange order).
    Cross(Index),
    /// No key (empty, or blank when true): no idempotency.
    Empty(bool),
    /// The domain's own award key for the newsletter.
    Newsletter,
    Bad(usize),
}

#[derive(Debug, Clone)]
enum Op {
    /// A sweep at the real time (`far` false) expires nothing: what a shrunk op becomes.
    Expire {
        far: bool,
    },
    Adjust {
        points: Points,
        direction: usize,
        reason: usize,
        key: Key,
    },
    /// An earlier manual change sent again, the key maybe padded, maybe another reason.
    ReplayAdjust {
        attempt: Index,
        pad: bool,
        other_reason: bool,
    },
    /// Products: a bit per case product; 0x80 sends the first one twice.
    Settings {
        on: bool,
        rate: usize,
        selected: bool,
        products: u8,
        awards: (usize, usize),
        status: usize,
        expiry: usize,
    },
    SettingsInvalid(usize),
    /// Lines of (a case product or a custom line, quantity, unit price).
    PlaceOrder {
        lines: Vec<(Option<Index>, i32, i64)>,
        shipping: i64,
        status: usize,
    },
    SetStatus(Index, &'static str),
    Newsletter,
    AddReview {
        product: Option<Index>,
        rating: u8,
        body: usize,
    },
    DecideReview {
        review: Index,
        approve: bool,
    },
    AddReward {
        product: Index,
        points: Points,
        stock: Option<u8>,
    },
    UpdateReward {
        reward: Index,
        points: i64,
        stock: i64,
        active: bool,
    },
    /// On one of the case's rewards, or with one of [`BAD_REWARDS`].
    PlaceExchange {
        reward: Result<Index, usize>,
        key: Key,
        staff: bool,
    },
    ReplayExchange {
        attempt: Index,
        pad: bool,
    },
    Decide {
        exchange: Index,
        accept: bool,
    },
    /// Requests about no customer, exchange order or review: all NotFound.
    Foreign(u8),
}

fn points_strategy() -> impl Strategy<Value = Points> {
    prop_oneof![
        8 => (1..=500i64).prop_map(Points::Fixed),
        1 => Just(Points::Max),
        3 => (-1i8..=1).prop_map(Points::Balance),
        2 => (0..BAD_POINTS.len()).prop_map(Points::Bad),
    ]
}

fn key_strategy() -> impl Strategy<Value = Key> {
    prop_oneof![
        8 => Just(Key::Fresh),
        1 => Just(Key::Longest),
        4 => any::<Index>().prop_map(Key::Reuse),
        1 => any::<Index>().prop_map(Key::Cross),
        2 => any::<bool>().prop_map(Key::Empty),
        1 => Just(Key::Newsletter),
        1 => (0..=BAD_KEYS.len()).prop_map(Key::Bad),
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let line = (
        prop::option::weighted(0.8, any::<Index>()),
        1i32..=3,
        prop_oneof![Just(0i64), 1..=20_000i64],
    );
    let direction = prop_oneof![8 => Just(0usize), 8 => Just(1usize), 1 => 2..DIRECTIONS.len()];
    let reason = prop_oneof![6 => Just(0usize), 4 => 0..7usize];
    let settings = (
        prop::bool::weighted(0.3),
        0..AWARDS.len(),
        0..AWARDS.len(),
        0..STATUSES.len(),
    );
    let expiry = prop_oneof![3 => Just(0usize), 1 => 1..EXPIRIES.len()];
    let reward = prop_oneof![
        12 => any::<Index>().prop_map(Ok),
        1 => (0..BAD_REWARDS.len()).prop_map(Err),
    ];
    let status = prop::sample::select(vec![
        "pending",
        "paid",
        "shipped",
        "delivered",
        "cancelled",
        "cancelled",
    ]);
    prop_oneof![
        3 => prop::bool::weighted(0.4).prop_map(|far| Op::Expire { far }),
        20 => (points_strategy(), direction, reason, key_strategy()).prop_map(
            |(points, direction, reason, key)| Op::Adjust { points, direction, reason, key }
        ),
        5 => (any::<Index>(), any::<bool>(), prop::bool::weighted(0.3)).prop_map(
            |(attempt, pad, other_reason)| Op::ReplayAdjust { attempt, pad, other_reason }
        ),
        4 => (prop::bool::weighted(0.8), 0..RATES.len(), settings, any::<u8>(), expiry)
            .prop_map(|(on, rate, (selected, n, r, status), products, expiry)| {
                Op::Settings { on, rate, selected, products, awards: (n, r), status, expiry }
            }),
        1 => (0..BAD_SETTINGS.len()).prop_map(Op::SettingsInvalid),
        10 => (
            prop::collection::vec(line, 1..=3),
            prop_oneof![Just(0i64), 1..=1500i64],
            prop_oneof![6 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)],
        )
            .prop_map(|(lines, shipping, status)| Op::PlaceOrder { lines, shipping, status }),
        14 => (any::<Index>(), status).prop_map(|(o, s)| Op::SetStatus(o, s)),
        2 => Just(Op::Newsletter),
        4 => (
            prop::option::weighted(0.9, any::<Index>()),
            prop_oneof![6 => 1u8..=5, 1 => Just(0u8), 1 => Just(6u8)],
            prop_oneof![6 => Just(0usize), 1 => 1..4usize],
        )
            .prop_map(|(product, rating, body)| Op::AddReview { product, rating, body }),
        4 => (any::<Index>(), prop::bool::weighted(0.7))
            .prop_map(|(review, approve)| Op::DecideReview { review, approve }),
        1 => (any::<Index>(), points_strategy(), prop::option::weighted(0.85, 0u8..=3))
            .prop_map(|(product, points, stock)| Op::AddReward { product, points, stock }),
        2 => (any::<Index>(), 1..=600i64, 0..=3i64, prop::bool::weighted(0.8)).prop_map(
            |(reward, points, stock, active)| Op::UpdateReward { reward, points, stock, active }
        ),
        12 => (reward, key_strategy(), prop::bool::weighted(0.7))
            .prop_map(|(reward, key, staff)| Op::PlaceExchange { reward, key, staff }),
        3 => (any::<Index>(), any::<bool>())
            .prop_map(|(attempt, pad)| Op::ReplayExchange { attempt, pad }),
        8 => (any::<Index>(), any::<bool>())
            .prop_map(|(exchange, accept)| Op::Decide { exchange, accept }),
        1 => (0u8..5).prop_map(Op::Foreign),
    ]
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/// How a refused request was answered, comparable.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Invalid(Errors),
    Insufficient,
    Disabled,
    Unavailable,
    Decided,
    KeyReused,
    NotFound,
    Db(String),
}

impl From<LoyaltyError> for Refusal {
    fn from(e: LoyaltyError) -> Self {
        match e {
            LoyaltyError::Invalid(errors) => Refusal::Invalid(errors),
            LoyaltyError::Insufficient => Refusal::Insufficient,
            LoyaltyError::Disabled => Refusal::Disabled,
            LoyaltyError::Unavailable => Refusal::Unavailable,
            LoyaltyError::Decided => Refusal::Decided,
            LoyaltyError::KeyReused => Refusal::KeyReused,
            LoyaltyError::NotFound => Refusal::NotFound,
            LoyaltyError::Db(e) => Refusal::Db(e.to_string()),
        }
    }
}

fn invalid<T>(errors: Errors) -> Result<T, Refusal> {
    Err(Refusal::Invalid(errors))
}

/// Points typed in a form, as the spec says: digits only, 1 to [`MAX_POINTS`].
fn parse_points(text: &str) -> Result<i64, &'static str> {
    let s = text.trim();
    if s.is_empty() {
        return Err("error-required");
    }
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err("loyalty-error-points-whole");
    }
    match s.parse::<i64>() {
        Ok(0) => Err("loyalty-error-points-positive"),
        Ok(n) if n <= MAX_POINTS => Ok(n),
        _ => Err("loyalty-error-points-too-many"),
    }
}

/// An operation id as the domain keeps it: `None` when blank; refused when malformed or when
/// it could be taken for one of the domain's own award keys (`order:12`, `newsletter`).
fn key_of(text: &str) -> Result<Option<String>, Refusal> {
    let k = text.trim();
    let reserved = k.contains(':') || k == "newsletter";
    if k.is_empty() {
        Ok(None)
    } else if k.len() > MAX_KEY || !k.bytes().all(|b| b.is_ascii_graphic()) || reserved {
        invalid(vec![("idempotency_key", "credit-error-key")])
    } else {
        Ok(Some(k.to_owned()))
    }
}

/// Whether an order in `status` has reached `earn` (paid < shipped < delivered).
fn reached(status: &str, earn: &str) -> bool {
    let rank = |s: &str| STATUSES.iter().position(|x| *x == s);
    matches!((rank(status), rank(earn)), (Some(a), Some(b)) if a >= b)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct MEntry {
    /// Known once the entry was matched with the database (or from the answer).
    id: Option<i64>,
    kind: &'static str,
    points: i64,
    balance_after: i64,
    order_id: Option<i64>,
    review_id: Option<i64>,
    exchange_id: Option<i64>,
    reason: Option<String>,
    key: Option<String>,
    actor: Option<i64>,
}

fn entry(kind: &'static str, points: i64, actor: Option<i64>) -> MEntry {
    MEntry {
        kind,
        points,
        actor,
        ..MEntry::default()
    }
}

#[derive(Debug, Clone)]
struct MOrder {
    id: i64,
    /// (product, line total).
    lines: Vec<(Option<i64>, i64)>,
    total: i64,
    status: &'static str,
    earned: bool,
    /// The cancellation's reversal was written (`cancel:ID`).
    reversed: bool,
    /// What the order has earned net of reversals.
    net: i64,
}

#[derive(Debug, Clone)]
struct MReward {
    id: i64,
    product: i64,
    points: i64,
    stock: i64,
    active: bool,
}

#[derive(Debug, Clone)]
struct MExchange {
    id: i64,
    reward: usize,
    points: i64,
    status: &'static str,
    key: Option<String>,
    order_id: Option<i64>,
}

#[derive(Default)]
struct Model {
    s: Option<Settings>,
    balance: i64,
    earned_total: i64,
    earned_ever: bool,
    ledger: Vec<MEntry>,
    orders: Vec<MOrder>,
    rewards: Vec<MReward>,
    exchanges: Vec<MExchange>,
    /// (id, status).
    reviews: Vec<(i64, &'static str)>,
    /// Every manual change sent, and every well-formed key sent with one.
    adjusts: Vec<AdjustInput>,
    adjust_keys: Vec<String>,
    /// Every exchange order request sent: (reward text, key, by staff); and their keys.
    placements: Vec<(String, String, bool)>,
    exchange_keys: Vec<String>,
    fresh: usize,
}

enum AdjustPlan {
    Replay { entry_id: i64, balance_after: i64 },
    New(MEntry),
}

enum ExchangePlan {
    Replay(usize),
    New(usize),
}

impl Model {
    fn s(&self) -> &Settings {
        self.s.as_ref().expect("settings saved in the setup")
    }

    fn post(&mut self, entry: MEntry) -> i64 {
        self.balance += entry.points;
        if entry.kind.starts_with("earn_") || entry.kind == "manual_add" {
            self.earned_total += entry.points;
            self.earned_ever = true;
        }
        let balance_after = self.balance;
        self.ledger.push(MEntry {
            balance_after,
            ..entry
        });
        balance_after
    }

    fn held(&self) -> i64 {
        let pending = self.exchanges.iter().filter(|x| x.status == "pending");
        pending.map(|x| x.points).sum()
    }

    fn key(&mut self, k: &Key, exchange: bool) -> String {
        let (own, other) = if exchange {
            (&self.exchange_keys, &self.adjust_keys)
        } else {
            (&self.adjust_keys, &self.exchange_keys)
        };
        match k {
            Key::Reuse(i) if !own.is_empty() => return i.get(own).clone(),
            Key::Cross(i) if !other.is_empty() => return i.get(other).clone(),
            Key::Empty(blank) => return if *blank { "  " } else { "" }.to_owned(),
            Key::Newsletter => return "newsletter".to_owned(),
            Key::Bad(i) => {
                let bad = BAD_KEYS.get(*i).map(|k| (*k).to_owned());
                return bad.unwrap_or_else(|| "x".repeat(MAX_KEY + 1));
            }
            _ => {}
        }
        self.fresh += 1;
        let key = format!("k{}", self.fresh);
        match k {
            Key::Longest => format!("{key:x<width$}", width = MAX_KEY),
            _ => key,
        }
    }

    /// What an order is worth now: its eligible lines times the rate, rounded down.
    fn worth(&self, o: &MOrder) -> i64 {
        let s = self.s();
        if o.status == "cancelled" || o.total <= 0 {
            return 0;
        }
        let earns =
            |p: &Option<i64>| !s.selected_only || p.is_some_and(|p| s.products.contains(&p));
        let eligible: i64 = o.lines.iter().filter(|l| earns(&l.0)).map(|l| l.1).sum();
        let points = i128::from(eligible) * i128::from(s.rate_x100) / 10_000;
        i64::try_from(points).unwrap_or(i64::MAX).min(MAX_POINTS)
    }

    /// What `settle_order` does after order `o` reached its (new) status.
    fn settle(&mut self, o: usize, actor: Option<i64>, cancelled: bool) {
        let ord = self.orders[o].clone();
        if !ord.earned {
            let points = self.worth(&ord);
            if self.s().enabled && reached(ord.status, &self.s().earn_status) && points > 0 {
                self.post(MEntry {
                    order_id: Some(ord.id),
                    key: Some(format!("order:{}", ord.id)),
                    ..entry("earn_order", points, actor)
                });
                (self.orders[o].earned, self.orders[o].net) = (true, points);
            }
            return;
        }
        // A cancellation takes back what the order earned, at most the balance, once.
        let take = ord.net.min(self.balance);
        if !cancelled || ord.reversed || take <= 0 {
            return;
        }
        self.post(MEntry {
            order_id: Some(ord.id),
            reason: (take < ord.net).then(|| format!("-{}", ord.net - take)),
            key: Some(format!("cancel:{}", ord.id)),
            ..entry("reversal", -take, actor)
        });
        self.orders[o].reversed = true;
        self.orders[o].net -= take;
    }

    /// The answer `loyalty::adjust` owes, in the order it checks things.
    fn plan_adjust(&self, input: &AdjustInput, actor: i64) -> Result<AdjustPlan, Refusal> {
        let mut errors = Vec::new();
        let points = parse_points(&input.points)
            .map_err(|e| errors.push(("points", e)))
            .unwrap_or(0);
        let (kind, sign) = match input.direction.as_str() {
            "add" => ("manual_add", 1),
            "subtract" => ("manual_subtract", -1),
            _ => {
                errors.push(("direction", "loyalty-error-direction"));
                ("", 0)
            }
        };
        let reason = input.reason.trim();
        if reason.is_empty() {
            errors.push(("reason", "error-required"));
        } else if reason.chars().count() > 200 {
            errors.push(("reason", "error-too-long"));
        } else if reason.chars().any(char::is_control) {
            errors.push(("reason", "error-invalid-characters"));
        }
        let key = key_of(&input.idempotency_key)?;
        if !errors.is_empty() {
            return invalid(errors);
        }
        let delta = sign * points;
        let earlier = key
            .as_ref()
            .and_then(|k| self.ledger.iter().find(|e| e.key.as_ref() == Some(k)));
        match earlier {
            Some(e) if e.kind == kind && e.points == delta => Ok(AdjustPlan::Replay {
                entry_id: e.id.unwrap_or(-1),
                balance_after: e.balance_after,
            }),
            Some(_) => Err(Refusal::KeyReused),
            None if self.balance + delta < 0 => Err(Refusal::Insufficient),
            None => Ok(AdjustPlan::New(MEntry {
                reason: Some(reason.to_owned()),
                key,
                ..entry(kind, delta, Some(actor))
            })),
        }
    }

    /// The answer `loyalty::place_exchange` owes, in the order it checks things.
    fn plan_exchange(&self, reward: &str, key: &str) -> Result<ExchangePlan, Refusal> {
        let bad_reward = || Refusal::Invalid(vec![("reward", "loyalty-error-reward")]);
        let reward_id: i64 = reward.trim().parse().map_err(|_| bad_reward())?;
        if let Some(k) = key_of(key)?
            && let Some(x) = self
                .exchanges
                .iter()
                .position(|x| x.key.as_ref() == Some(&k))
        {
            return if self.rewards[self.exchanges[x].reward].id == reward_id {
                Ok(ExchangePlan::Replay(x))
            } else {
                Err(Refusal::KeyReused)
            };
        }
        if !self.s().enabled {
            return Err(Refusal::Disabled);
        }
        let r = self.rewards.iter().position(|r| r.id == reward_id);
        let r = r.ok_or_else(bad_reward)?;
        let reward = &self.rewards[r];
        if !reward.active {
            Err(Refusal::Unavailable)
        } else if self.balance < reward.points {
            Err(Refusal::Insufficient)
        } else if reward.stock == 0 {
            Err(Refusal::Unavailable)
        } else {
            Ok(ExchangePlan::New(r))
        }
    }
}

// ---------------------------------------------------------------------------------------
// One case: a fresh customer, four products and a sequence of operations
// ---------------------------------------------------------------------------------------

struct Shared {
    actor: i64,
    cases: Cell<usize>,
    /// The step the running case is at (kept when it fails).
    step: Cell<usize>,
    executed: Cell<usize>,
    /// Earlier cases' customers and their balances (read back when their case ended).
    others: RefCell<BTreeMap<i64, i64>>,
    /// How often each kind of answer was seen, to show what the run exercised.
    outcomes: RefCell<BTreeMap<String, usize>>,
}

struct Case<'a> {
    shared: &'a Shared,
    conn: &'a mut DbConn,
    customer_id: i64,
    case_no: usize,
    products: Vec<i64>,
    m: Model,
    /// The ledger as read at the previous check: it may only grow.
    rows: Vec<String>,
}

fn db<T, E: std::fmt::Debug>(at: &str, r: Result<T, E>) -> Result<T, TestCaseError> {
    r.map_err(|e| TestCaseError::fail(format!("{at}: unexpected error {e:?}")))
}

/// Compares an answer with the expected one (what only the database knows aside).
fn same<T: std::fmt::Debug, U>(
    at: &str,
    got: &Result<T, Refusal>,
    want: &Result<U, Refusal>,
) -> Result<(), TestCaseError> {
    match (got, want) {
        (Ok(_), Ok(_)) => Ok(()),
        (Err(g), Err(w)) if g == w => Ok(()),
        (_, Err(w)) => Err(TestCaseError::fail(format!(
            "{at}: answered {got:?}, the model expects Err({w:?})"
        ))),
        (_, Ok(_)) => Err(TestCaseError::fail(format!(
            "{at}: answered {got:?}, the model expects Ok"
        ))),
    }
}

/// An answer as the tally counts it.
fn outcome<T>(r: &Result<T, Refusal>) -> String {
    match r {
        Ok(_) => "ok".to_owned(),
        Err(Refusal::Invalid(e)) => format!("Invalid({})", e.first().map_or("", |x| x.1)),
        Err(e) => format!("{e:?}"),
    }
}

fn settings_input(s: &Settings, products: Vec<String>, expiry: &str) -> SettingsInput {
    SettingsInput {
        enabled: s.enabled.then(|| "on".to_owned()),
        rate: loyalty::rate_text(s.rate_x100),
        scope: if s.selected_only { "selected" } else { "all" }.to_owned(),
        products,
        newsletter_points: s.newsletter_points.to_string(),
        review_points: s.review_points.to_string(),
        earn_status: s.earn_status.clone(),
        expiry_days: expiry.to_owned(),
        point_value: String::new(),
    }
}

impl Case<'_> {
    fn setup(&mut self) -> Result<(), TestCaseError> {
        let s = Settings {
            enabled: true,
            rate_x100: 100,
            selected_only: false,
            products: Vec::new(),
            newsletter_points: 50,
            review_points: 20,
            earn_status: "delivered".to_owned(),
            expiry_days: None,
            point_value_cents: None,
        };
        let input = settings_input(&s, Vec::new(), "");
        let got = loyalty::save_settings(self.conn, self.shared.actor, &input);
        prop_assert_eq!(db("setup", got)?, s.clone(), "setup: settings");
        self.m.s = Some(s);
        for (i, (points, stock)) in [(100, 2), (400, 1)].into_iter().enumerate() {
            let input = RewardInput {
                product: self.products[i].to_string(),
                points: points.to_string(),
                stock: stock.to_string(),
                active: None,
            };
            let id = db(
                "setup",
                loyalty::add_reward(self.conn, self.shared.actor, &input),
            )?;
            let (product, active) = (self.products[i], true);
            let reward = MReward {
                id,
                product,
                points,
                stock,
                active,
            };
            self.m.rewards.push(reward);
        }
        self.verify("setup", true)
    }

    fn points_text(&self, p: &Points) -> String {
        match p {
            Points::Fixed(n) => n.to_string(),
            Points::Max => MAX_POINTS.to_string(),
            Points::Balance(d) => (self.m.balance + i64::from(*d)).to_string(),
            Points::Bad(i) => BAD_POINTS[*i].to_owned(),
        }
    }

    /// Runs one operation against the application and the model. Returns what the tally
    /// counts, or `None` when the operation did not apply (nothing to pick from yet).
    fn step(&mut self, step: usize, op: &Op) -> Result<Option<String>, TestCaseError> {
        let at = format!("case {} step {step} {op:?}", self.case_no);
        let actor = self.shared.actor;
        let cid = self.customer_id;
        let tally = match op {
            Op::Expire { far } => {
                let now = Utc::now().naive_utc() + Duration::days(if *far { 36_500 } else { 0 });
                let mut due = Vec::new();
                if *far && self.m.s().expiry_days.is_some() {
                    let others = self.shared.others.borrow();
                    due.extend(others.iter().filter(|(_, b)| **b > 0).map(|(id, _)| *id));
                    if self.m.balance > 0 && self.m.earned_ever {
                        due.push(cid);
                    }
                    due.sort_unstable();
                    due.truncate(500);
                }
                for id in &due {
                    if *id == cid {
                        self.m.post(entry("expiry", -self.m.balance, None));
                    } else {
                        self.shared.others.borrow_mut().insert(*id, 0);
                    }
                }
                let got = loyalty::expire_due(self.conn, now).map_err(Refusal::from);
                prop_assert_eq!(got, Ok(due.len()), "{}: accounts expired", at);
                format!("expire: far {far}, {} accounts", due.len().min(2))
            }
            Op::Adjust {
                points,
                direction,
                reason,
                key,
            } => {
                let input = AdjustInput {
                    points: self.points_text(points),
                    direction: DIRECTIONS[*direction].to_owned(),
                    reason: reason_text(*reason).0,
                    idempotency_key: self.m.key(key, false),
                };
                if let Ok(Some(k)) = key_of(&input.idempotency_key) {
                    self.m.adjust_keys.push(k);
                }
                self.m.adjusts.push(input.clone());
                format!("adjust {}: {}", input.direction, self.adjust(&at, &input)?)
            }
            Op::ReplayAdjust {
                attempt,
                pad,
                other_reason,
            } => {
                if self.m.adjusts.is_empty() {
                    return Ok(None);
                }
                let mut input = attempt.get(&self.m.adjusts).clone();
                if *pad {
                    input.idempotency_key = format!(" {}\t", input.idempotency_key);
                }
                if *other_reason {
                    input.reason = "Otra razón".to_owned();
                }
                format!(
                    "replay adjust {}: {}",
                    input.direction,
                    self.adjust(&at, &input)?
                )
            }
            Op::Settings {
                on,
                rate,
                selected,
                products,
                awards,
                status,
                expiry,
            } => {
                let case = &self.products;
                let mut chosen: Vec<i64> = (0..case.len())
                    .filter(|i| products & (1 << i) != 0)
                    .map(|i| case[i])
                    .collect();
                if *selected && chosen.is_empty() {
                    chosen.push(case[0]);
                }
                let mut texts: Vec<String> = chosen.iter().map(i64::to_string).collect();
                if products & 0x80 != 0 {
                    // The same product twice, once with blanks: kept once.
                    let first = *chosen.first().unwrap_or(&case[0]);
                    texts.push(format!(" {first} "));
                    chosen.push(first);
                }
                chosen.sort_unstable();
                chosen.dedup();
                let want = Settings {
                    enabled: *on,
                    rate_x100: RATES[*rate].1,
                    selected_only: *selected,
                    products: chosen,
                    newsletter_points: AWARDS[awards.0].1,
                    review_points: AWARDS[awards.1].1,
                    earn_status: STATUSES[*status].to_owned(),
                    expiry_days: EXPIRIES[*expiry].1,
                    point_value_cents: None,
                };
                let mut input = settings_input(&want, texts, EXPIRIES[*expiry].0);
                input.rate = RATES[*rate].0.to_owned();
                input.newsletter_points = AWARDS[awards.0].0.to_owned();
                input.review_points = AWARDS[awards.1].0.to_owned();
                let got = loyalty::save_settings(self.conn, actor, &input).map_err(Refusal::from);
                prop_assert_eq!(got, Ok(want.clone()), "{}: settings", at);
                self.m.s = Some(want);
                format!("settings: enabled {on}")
            }
            Op::SettingsInvalid(case) => {
                let (changes, errors) = BAD_SETTINGS[*case];
                let mut input = settings_input(self.m.s(), Vec::new(), "");
                input.scope = "all".to_owned();
                for (field, value) in changes {
                    let value = (*value).to_owned();
                    match *field {
                        "rate" => input.rate = value,
                        "newsletter_points" => input.newsletter_points = value,
                        "review_points" => input.review_points = value,
                        "earn_status" => input.earn_status = value,
                        "expiry_days" => input.expiry_days = value,
                        "scope" => input.scope = value,
                        _ => input.products.push(value),
                    }
                }
                let got = loyalty::save_settings(self.conn, actor, &input).map_err(Refusal::from);
                same(&at, &got, &invalid::<()>(errors.to_vec()))?;
                format!("settings refused: {}", outcome(&got))
            }
            Op::PlaceOrder {
                lines,
                shipping,
                status,
            } => {
                let status = ["pending", "paid", "delivered"][*status];
                let lines: Vec<LineInput> = lines
                    .iter()
                    .map(|(p, quantity, price)| LineInput {
                        product_id: p.as_ref().map(|i| *i.get(&self.products)),
                        sku: "LM-SKU".to_owned(),
                        name: "Kubek".to_owned(),
                        quantity: *quantity,
                        unit_price_cents: *price,
                    })
                    .collect();
                let number = format!("LM{}-{}", self.case_no, self.m.orders.len() + 1);
                let now = Utc::now().naive_utc();
                let placed = write_tx(self.conn, |conn| {
                    orders::place(
                        conn, &number, cid, status, "card", "EUR", *shipping, &lines, now,
                    )
                });
                let id = db(&at, placed)?;
                let lines: Vec<(Option<i64>, i64)> = lines
                    .iter()
                    .map(|l| (l.product_id, l.unit_price_cents * i64::from(l.quantity)))
                    .collect();
                let total = lines.iter().map(|l| l.1).sum::<i64>() + shipping;
                let (earned, reversed, net) = (false, false, 0);
                let order = MOrder {
                    id,
                    lines,
                    total,
                    status,
                    earned,
                    reversed,
                    net,
                };
                self.m.orders.push(order);
                let before = self.m.ledger.len();
                self.m.settle(self.m.orders.len() - 1, None, false);
                format!(
                    "order placed {status}: earned {}",
                    self.m.ledger.len() > before
                )
            }
            Op::SetStatus(order, status) => {
                if self.m.orders.is_empty() {
                    return Ok(None);
                }
                let o = order.index(self.m.orders.len());
                db(
                    &at,
                    change_status(self.conn, actor, self.m.orders[o].id, status),
                )?;
                let before = self.m.ledger.len();
                if self.m.orders[o].status != *status {
                    self.m.orders[o].status = status;
                    self.m.settle(o, Some(actor), *status == "cancelled");
                }
                let moved = self.m.ledger.get(before).map_or("nothing", |e| e.kind);
                format!("status {status}: {moved}")
            }
            Op::Newsletter => {
                let got = write_tx(self.conn, |c| {
                    loyalty::award_newsletter(c, Some(actor), cid)
                });
                db(&at, got)?;
                let (s, ledger) = (self.m.s(), &self.m.ledger);
                let points = s.newsletter_points;
                let due =
                    s.enabled && points > 0 && !ledger.iter().any(|e| e.kind == "earn_newsletter");
                if due {
                    let key = Some("newsletter".to_owned());
                    self.m.post(MEntry {
                        key,
                        ..entry("earn_newsletter", points, Some(actor))
                    });
                }
                format!("newsletter: awarded {due}")
            }
            Op::AddReview {
                product,
                rating,
                body,
            } => {
                let (body, body_error) = body_text(*body);
                let rating_error =
                    (!(1..=5).contains(rating)).then_some(("rating", "loyalty-error-rating"));
                let product = product.as_ref().map(|i| *i.get(&self.products));
                let product_error = product
                    .is_none()
                    .then_some(("product", "loyalty-error-product"));
                let errors: Errors = [rating_error, body_error.map(|e| ("body", e)), product_error]
                    .into_iter()
                    .flatten()
                    .collect();
                let input = ReviewInput {
                    product: product.unwrap_or(-1).to_string(),
                    rating: rating.to_string(),
                    body,
                };
                let got = loyalty::add_review(self.conn, Some(actor), cid, &input);
                let got = got.map_err(Refusal::from);
                let want = if errors.is_empty() {
                    Ok(())
                } else {
                    invalid(errors)
                };
                same(&at, &got, &want)?;
                if let Ok(id) = got {
                    let newest = self.m.reviews.last().map_or(0, |r| r.0);
                    prop_assert!(id > newest, "{}: review id {} after {}", at, id, newest);
                    self.m.reviews.push((id, "pending"));
                }
                format!("review: {}", outcome(&got))
            }
            Op::DecideReview { review, approve } => {
                if self.m.reviews.is_empty() {
                    return Ok(None);
                }
                let r = review.index(self.m.reviews.len());
                let (id, status) = self.m.reviews[r];
                let got = loyalty::decide_review(self.conn, actor, id, *approve);
                let got = got.map_err(Refusal::from);
                let want = if status == "pending" {
                    Ok(())
                } else {
                    Err(Refusal::Decided)
                };
                same(&at, &got, &want)?;
                if status == "pending" {
                    self.m.reviews[r].1 = if *approve { "approved" } else { "rejected" };
                    let s = self.m.s();
                    let points = s.review_points;
                    if *approve && s.enabled && points > 0 {
                        self.m.post(MEntry {
                            review_id: Some(id),
                            key: Some(format!("review:{id}")),
                            ..entry("earn_review", points, Some(actor))
                        });
                    }
                }
                format!("review decided (approve {approve}): {}", outcome(&got))
            }
            Op::AddReward {
                product,
                points,
                stock,
            } => {
                let product = *product.get(&self.products);
                let input = RewardInput {
                    product: product.to_string(),
                    points: self.points_text(points),
                    stock: stock.map_or("-1".to_owned(), |s| s.to_string()),
                    active: None,
                };
                let points = parse_points(&input.points);
                let exists = self.m.rewards.iter().any(|r| r.product == product);
                let errors: Errors = [
                    points.err().map(|e| ("points", e)),
                    stock.is_none().then_some(("stock", "loyalty-error-stock")),
                    exists.then_some(("product", "loyalty-error-reward-exists")),
                ]
                .into_iter()
                .flatten()
                .collect();
                let got = loyalty::add_reward(self.conn, actor, &input).map_err(Refusal::from);
                let want = if errors.is_empty() {
                    Ok(())
                } else {
                    invalid(errors)
                };
                same(&at, &got, &want)?;
                if let (Ok(id), Ok(points), Some(stock)) = (&got, points, stock) {
                    let (id, stock, active) = (*id, i64::from(*stock), true);
                    self.m.rewards.push(MReward {
                        id,
                        product,
                        points,
                        stock,
                        active,
                    });
                }
                format!("reward added: {}", outcome(&got))
            }
            Op::UpdateReward {
                reward,
                points,
                stock,
                active,
            } => {
                let r = reward.index(self.m.rewards.len());
                let input = RewardInput {
                    product: String::new(),
                    points: points.to_string(),
                    stock: stock.to_string(),
                    active: active.then(|| "1".to_owned()),
                };
                let id = self.m.rewards[r].id;
                db(&at, loyalty::update_reward(self.conn, actor, id, &input))?;
                let m = &mut self.m.rewards[r];
                (m.points, m.stock, m.active) = (*points, *stock, *active);
                format!("reward updated: active {active}")
            }
            Op::PlaceExchange { reward, key, staff } => {
                let text = match reward {
                    Ok(i) => i.get(&self.m.rewards).id.to_string(),
                    Err(j) => BAD_REWARDS[*j].to_owned(),
                };
                let key = self.m.key(key, true);
                if let Ok(Some(k)) = key_of(&key) {
                    self.m.exchange_keys.push(k);
                }
                self.m.placements.push((text.clone(), key.clone(), *staff));
                format!("exchange: {}", self.exchange(&at, &text, &key, *staff)?)
            }
            Op::ReplayExchange { attempt, pad } => {
                if self.m.placements.is_empty() {
                    return Ok(None);
                }
                let (text, key, staff) = attempt.get(&self.m.placements).clone();
                let key = if *pad { format!("\t{key}  ") } else { key };
                format!(
                    "replay exchange: {}",
                    self.exchange(&at, &text, &key, staff)?
                )
            }
            Op::Decide { exchange, accept } => {
                if self.m.exchanges.is_empty() {
                    return Ok(None);
                }
                let x = exchange.index(self.m.exchanges.len());
                let ex = self.m.exchanges[x].clone();
                let got = if *accept {
                    loyalty::accept_exchange(self.conn, actor, ex.id)
                } else {
                    loyalty::reject_exchange(self.conn, actor, ex.id).map(|()| 0)
                };
                let got = got.map_err(Refusal::from);
                let pending = ex.status == "pending";
                let want = if pending {
                    Ok(())
                } else {
                    Err(Refusal::Decided)
                };
                same(&at, &got, &want)?;
                let exchange_id = Some(ex.id);
                match got {
                    Ok(order) if *accept => {
                        let product = self.m.rewards[ex.reward].product;
                        self.m.exchanges[x].status = "accepted";
                        self.m.exchanges[x].order_id = Some(order);
                        let order_id = Some(order);
                        let redeem = entry("redeem", 0, Some(actor));
                        self.m.post(MEntry {
                            exchange_id,
                            order_id,
                            ..redeem
                        });
                        self.m.orders.push(MOrder {
                            id: order,
                            lines: vec![(Some(product), 0)],
                            total: 0,
                            status: "paid",
                            earned: false,
                            reversed: false,
                            net: 0,
                        });
                    }
                    Ok(_) => {
                        self.m.exchanges[x].status = "rejected";
                        self.m.rewards[ex.reward].stock += 1;
                        let release = entry("release", ex.points, Some(actor));
                        self.m.post(MEntry {
                            exchange_id,
                            ..release
                        });
                    }
                    Err(_) => {}
                }
                let what = if *accept { "accepted" } else { "rejected" };
                format!("exchange {what}: {}", outcome(&got))
            }
            Op::Foreign(what) => {
                let reward = self.m.rewards[0].id.to_string();
                let five = AdjustInput {
                    points: "5".into(),
                    direction: "add".into(),
                    reason: "Bonus".into(),
                    idempotency_key: String::new(),
                };
                let got = match what {
                    0 => loyalty::adjust(self.conn, actor, -1, &five).map(|_| ()),
                    1 => loyalty::place_exchange(self.conn, None, -1, &reward, "").map(|_| ()),
                    2 => loyalty::accept_exchange(self.conn, actor, -1).map(|_| ()),
                    3 => loyalty::reject_exchange(self.conn, actor, -1),
                    _ => loyalty::decide_review(self.conn, actor, -1, true),
                };
                let got = got.map_err(Refusal::from);
                prop_assert_eq!(&got, &Err(Refusal::NotFound), "{}", at);
                format!("foreign {what}: {}", outcome(&got))
            }
        };
        Ok(Some(tally))
    }

    /// A manual change against the model; returns the tally's name for the answer.
    fn adjust(&mut self, at: &str, input: &AdjustInput) -> Result<String, TestCaseError> {
        let actor = self.shared.actor;
        let want = self.m.plan_adjust(input, actor);
        let got = loyalty::adjust(self.conn, actor, self.customer_id, input).map_err(Refusal::from);
        same(at, &got, &want)?;
        let (Ok(done), Ok(plan)) = (&got, want) else {
            return Ok(outcome(&got));
        };
        match plan {
            AdjustPlan::Replay {
                entry_id,
                balance_after,
            } => {
                prop_assert!(done.replayed, "{}: a replay must say so", at);
                prop_assert_eq!(
                    (done.entry_id, done.balance_after),
                    (entry_id, balance_after),
                    "{}: a replay answers the first entry and balance",
                    at
                );
                Ok("ok (replayed)".to_owned())
            }
            AdjustPlan::New(e) => {
                prop_assert!(!done.replayed, "{}: a first change is no replay", at);
                let balance_after = self.m.post(MEntry {
                    id: Some(done.entry_id),
                    ..e
                });
                prop_assert_eq!(done.balance_after, balance_after, "{}: balance after", at);
                Ok("ok".to_owned())
            }
        }
    }

    /// An exchange order request against the model; returns the tally's name for the answer.
    fn exchange(
        &mut self,
        at: &str,
        reward: &str,
        key: &str,
        staff: bool,
    ) -> Result<String, TestCaseError> {
        let actor = staff.then_some(self.shared.actor);
        let want = self.m.plan_exchange(reward, key);
        let got = loyalty::place_exchange(self.conn, actor, self.customer_id, reward, key);
        let got = got.map_err(Refusal::from);
        same(at, &got, &want)?;
        let (Ok(id), Ok(plan)) = (&got, want) else {
            return Ok(outcome(&got));
        };
        match plan {
            ExchangePlan::Replay(x) => {
                prop_assert_eq!(*id, self.m.exchanges[x].id, "{}: the replayed exchange", at);
                Ok("ok (replayed)".to_owned())
            }
            ExchangePlan::New(r) => {
                let newest = self.m.exchanges.last().map_or(0, |x| x.id);
                prop_assert!(*id > newest, "{}: exchange id {} after {}", at, id, newest);
                let points = self.m.rewards[r].points;
                self.m.rewards[r].stock -= 1;
                self.m.exchanges.push(MExchange {
                    id: *id,
                    reward: r,
                    points,
                    status: "pending",
                    key: key_of(key).ok().flatten(),
                    order_id: None,
                });
                let hold = entry("hold", -points, actor);
                self.m.post(MEntry {
                    exchange_id: Some(*id),
                    ..hold
                });
                Ok("ok".to_owned())
            }
        }
    }

    /// The whole state of the customer against the model (the settings too when `settings`:
    /// only their own operations change them).
    fn verify(&mut self, at: &str, settings: bool) -> Result<(), TestCaseError> {
        let cid = self.customer_id;
        let balance = self.m.balance;
        let (b, ledger_sum) = db(at, loyalty::sums(self.conn, cid))?;
        prop_assert!(b >= 0, "{}: negative balance {}", at, b);
        prop_assert_eq!(
            (b, ledger_sum),
            (balance, balance),
            "{}: (balance, ledger sum)",
            at
        );
        let row = db(at, CustomerRow::find(self.conn, cid))?;
        prop_assert_eq!(
            row.map(|c| c.points),
            Some(balance),
            "{}: the customer row",
            at
        );
        use schema::loyalty_accounts as a;
        let account: Option<(i64, Option<NaiveDateTime>)> = db(
            at,
            a::table
                .find(cid)
                .select((a::earned_total, a::last_earned_at))
                .first(self.conn)
                .optional(),
        )?;
        let (earned, last) = account.unwrap_or((0, None));
        prop_assert_eq!(
            (earned, last.is_some()),
            (self.m.earned_total, self.m.earned_ever),
            "{}: (lifetime total, has earned)",
            at
        );
        let held = db(at, ExchangeRow::held(self.conn, cid))?;
        prop_assert_eq!(held, self.m.held(), "{}: points held", at);
        if settings {
            let s = db(at, loyalty::settings(self.conn))?;
            prop_assert_eq!(&s, self.m.s(), "{}: settings", at);
        }
        let ids: Vec<i64> = self.m.rewards.iter().map(|r| r.id).collect();
        let rewards = db(at, RewardRow::all(self.conn))?
            .into_iter()
            .map(|(g, ..)| g);
        let got: Vec<_> = (rewards.filter(|g| ids.contains(&g.id)))
            .map(|g| (g.id, g.product_id, g.points, g.stock, g.active))
            .collect();
        let mut want: Vec<_> = (self.m.rewards.iter())
            .map(|r| (r.id, r.product, r.points, r.stock, r.active))
            .collect();
        // The catalogue lists by points, then id.
        want.sort_by_key(|r| (r.2, r.0));
        prop_assert_eq!(
            got,
            want,
            "{}: rewards (id, product, points, stock, active)",
            at
        );
        let exchanges = db(at, ExchangeRow::list(self.conn, None, Some(cid), 100_000))?;
        let got: Vec<_> = (exchanges.into_iter().rev())
            .map(|(x, ..)| {
                (
                    x.id,
                    x.reward_id,
                    x.points,
                    x.status,
                    x.order_id,
                    x.idempotency_key,
                )
            })
            .collect();
        let want: Vec<_> = (self.m.exchanges.iter())
            .map(|x| {
                let r = self.m.rewards[x.reward].id;
                (
                    x.id,
                    r,
                    x.points,
                    x.status.to_owned(),
                    x.order_id,
                    x.key.clone(),
                )
            })
            .collect();
        prop_assert_eq!(got, want, "{}: exchange orders", at);
        let reviews = db(at, ReviewRow::list(self.conn, None, Some(cid), 100_000))?;
        let got: Vec<_> = reviews
            .into_iter()
            .rev()
            .map(|(r, ..)| (r.id, r.status))
            .collect();
        let want: Vec<_> = self
            .m
            .reviews
            .iter()
            .map(|(id, s)| (*id, (*s).to_owned()))
            .collect();
        prop_assert_eq!(got, want, "{}: reviews", at);
        use schema::orders as o;
        let got: Vec<(i64, String)> = db(
            at,
            (o::table.filter(o::customer_id.eq(cid)).order(o::id.asc()))
                .select((o::id, o::status))
                .load(self.conn),
        )?;
        let want: Vec<_> = self
            .m
            .orders
            .iter()
            .map(|o| (o.id, o.status.to_owned()))
            .collect();
        prop_assert_eq!(got, want, "{}: orders", at);

        // The ledger: what was there is unchanged, what is new is what the model wrote.
        use schema::loyalty_entries as e;
        let rows: Vec<EntryRow> = db(
            at,
            (e::table.filter(e::customer_id.eq(cid)).order(e::id.asc()))
                .select(EntryRow::as_select())
                .load(self.conn),
        )?;
        let now: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
        let seen = self.rows.len();
        let kept = now.len() >= seen && now[..seen] == self.rows[..];
        prop_assert!(
            kept,
            "{}: the ledger changed:\nbefore {:?}\nnow {:?}",
            at,
            self.rows,
            now
        );
        let new = &now[seen..];
        let (len, want_len) = (rows.len(), self.m.ledger.len());
        prop_assert_eq!(len, want_len, "{}: ledger length (new {:?})", at, new);
        let mut before = seen.checked_sub(1).map_or(0, |i| rows[i].balance_after);
        for (r, want) in rows[seen..].iter().zip(&mut self.m.ledger[seen..]) {
            let moved = r.balance_after >= 0 && before + r.points == r.balance_after;
            prop_assert!(moved, "{}: entry {:?} after a balance of {}", at, r, before);
            before = r.balance_after;
            let id_ok = want.id.is_none_or(|id| id == r.id);
            prop_assert!(id_ok, "{}: entry {:?} for {:?}", at, r, want);
            want.id = Some(r.id);
            let got = MEntry {
                id: Some(r.id),
                kind: want.kind,
                points: r.points,
                balance_after: r.balance_after,
                order_id: r.order_id,
                review_id: r.review_id,
                exchange_id: r.exchange_id,
                reason: r.reason.clone(),
                key: r.award_key.clone(),
                actor: r.actor_staff_id,
            };
            prop_assert_eq!(r.kind.as_str(), want.kind, "{}: entry {} kind", at, r.id);
            prop_assert_eq!(&got, &*want, "{}: entry {}", at, r.id);
        }
        self.rows = now;
        Ok(())
    }
}

fn run_case(shared: &Shared, app: &TestApp, ops: &[Op]) -> Result<(), TestCaseError> {
    let case_no = shared.cases.get() + 1;
    shared.cases.set(case_no);
    let name = format!("Klient modelu {case_no}");
    let customer_id = customer(app, &name, &format!("punkty{case_no}@example.com"), true);
    let mut pooled = app.conn();
    let mut products = Vec::new();
    for (i, price) in PRICES.iter().enumerate() {
        let p = NewProduct {
            sku: &format!("LM{case_no}-{i}"),
            name: &format!("Produkt {case_no}-{i}"),
            price_cents: *price,
            currency: "EUR",
            active: true,
        };
        products.push(db("products", insert_product(&mut pooled, &p))?);
    }
    let mut case = Case {
        shared,
        conn: &mut pooled,
        customer_id,
        case_no,
        products,
        m: Model::default(),
        rows: Vec::new(),
    };
    let result = (|| {
        case.setup()?;
        for (step, op) in ops.iter().enumerate() {
            shared.step.set(step);
            if let Some(tally) = case.step(step, op)? {
                shared.executed.set(shared.executed.get() + 1);
                *shared.outcomes.borrow_mut().entry(tally).or_default() += 1;
            }
            let settings = matches!(op, Op::Settings { .. } | Op::SettingsInvalid(_));
            case.verify(
                &format!("case {case_no} after step {step} {op:?}"),
                settings,
            )?;
        }
        Ok(())
    })();
    // Later sweeps expire this customer's points too: what the database holds counts.
    let left = loyalty::balance(case.conn, customer_id).unwrap_or(0);
    shared.others.borrow_mut().insert(customer_id, left);
    result
}

#[actix_web::test]
async fn loyalty_points_match_a_model_through_random_changes_orders_awards_exchanges_and_expiries()
{
    let app = TestApp::spawn().await;
    let actor = app.create_owner();
    let seed: u64 = std::env::var("LOYALTY_MODEL_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!(
        "loyalty model: seed {seed} (rerun with LOYALTY_MODEL_SEED={seed}), backend {}",
        crate::common::backend()
    );
    let mut seed_bytes = [0u8; 32];
    for (i, chunk) in (0u64..).zip(seed_bytes.chunks_mut(8)) {
        chunk.copy_from_slice(&(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_le_bytes());
    }
    let config = ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 1_000,
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let shared = Shared {
        actor,
        cases: Cell::new(0),
        step: Cell::new(0),
        executed: Cell::new(0),
        others: RefCell::new(BTreeMap::new()),
        outcomes: RefCell::new(BTreeMap::new()),
    };
    let strategy = prop::collection::vec(op_strategy(), OPS_PER_CASE);
    let started = std::time::Instant::now();
    match runner.run(&strategy, |ops| run_case(&shared, &app, &ops)) {
        Ok(()) => {}
        Err(TestError::Fail(reason, ops)) => {
            // Once more, to learn the step it fails at: what follows it does not matter.
            let last = match run_case(&shared, &app, &ops) {
                Ok(()) => ops.len().saturating_sub(1),
                Err(_) => shared.step.get(),
            };
            let listing: Vec<String> = (ops.iter().enumerate().take(last + 1))
                .filter(|(_, op)| !matches!(op, Op::Expire { far: false }))
                .map(|(i, op)| format!("  step {i:>3}: {op:?}"))
                .collect();
            panic!(
                "the points ledger disagrees with the model (seed {seed}; rerun with \
                 LOYALTY_MODEL_SEED={seed}): {reason}\nminimal failing sequence, up to the \
                 failing step {last} (of {} ops; sweeps at the real time, which expire \
                 nothing, left out):\n{}",
                ops.len(),
                listing.join("\n")
            );
        }
        Err(TestError::Abort(reason)) => panic!("the property run aborted (seed {seed}): {reason}"),
    }
    let executed = shared.executed.get();
    let outcomes = shared.outcomes.borrow();
    let tally: Vec<String> = outcomes
        .iter()
        .map(|(k, n)| format!("  {k}: {n}"))
        .collect();
    eprintln!(
        "loyalty model: {} cases, {executed} operations in {:.1?}\n{}",
        shared.cases.get(),
        started.elapsed(),
        tally.join("\n")
    );
    assert!(
        executed >= MIN_TOTAL_OPS,
        "only {executed} operations ran; at least {MIN_TOTAL_OPS} are wanted"
    );
}
