"""The embedded demo: a deterministic, generated retail shop and a small B2B CRM.

Every customer is drawn as one archetype from marketing practice (loyal,
top payer, impulse buyer, bargain hunter, wanderer, need-based buyer, lapsed
one-time buyer, ...) and given the orders, visits, logins and tickets that
archetype produces, relative to the demo's as-of day. The same seed always
gives the same rows, so `segdsl run examples/retail.seg` prints the same
figures everywhere, and `planted_groups` tells tests who was planted where.

Customers also have a birth date (consistent with their age) and, for members
of the shop's club, the day their membership contract ends. `calendar_plants`
are customers given what the calendar example (examples/calendar.seg, in New
York's calendar) looks for, on the edges of its windows: contracts ending the
day after the demo day and 30 and 31 days after it, birthdays in the coming
week (and one on 29 February), an 18th birthday on the demo day and one a day
later, orders in 3 of the last 4 weeks, logins on 5 days of June, and three
visit sessions in the last week. They are drawn with their own random
generator from the `regular` customers, so every other row stays as it was.

Cart additions carry the product of the order they came with, and a ticket
opened about an order (support_after_order's) names it in `order_number`.
`funnel_plants` are the product funnel's customers (examples/journeys.seg):
the only ones with product views, each given a view and a cart addition
around their latest order on the edges of the funnel's spans (cart within a
day, no order of that product within 3 days): drop-outs (no order after, a
cart on the demo day, an order of another product a day later, of that
product 3 days and a minute later) and those just outside (bought it in
time, once exactly a day and 3 days apart; a cart a minute over a day after
the view; a cart of another product). They too have a generator of their
own, and only add rows to web.events.

The product catalogue (shop.products, shop.brands: the lookups of
examples/lookups.seg) has every product an order or event names: product
p is of category CATEGORIES[p // 100], so an order's product is of its
category. It comes from a generator of its own: every other table is the
same with or without it.

web.tracks is a tracking tool's log of the last 180 days (the JSON
properties of examples/tracks.seg): page views whose `properties` carry the
page, a campaign's `utm` source and medium and, on the checkout page, the
`ab test` variant; product views with the product's `product_id` and
`price` (a product viewed before about half of those days' orders is the
one ordered; now and then a number is written as a string, as some trackers
do); newsletter sign-ups (`newsletter`, true or false, and the `topics`
chosen) and trials of the shop's club (`plan`, `trial_ends` as a day,
`auto_renew`). It has a generator of its own and reads the other tables
without changing them.

Tables (types are the portable names used across segdsl's tests; `json` is
JSON text):
    shop.customers, shop.orders, shop.products, shop.brands, web.page_views,
    web.events, web.tracks, support.tickets, crm.accounts, crm.invoices,
    crm.usage
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ..frozen import frozen
from ..lang.timeline import shift_months
from .demo_day import DEMO_AS_OF

if TYPE_CHECKING:  # loaded where the data is written
    import duckdb

HISTORY_START = date(2021, 1, 1)

SQL_TYPES = {"integer": "BIGINT", "decimal": "DECIMAL(18,2)", "text": "VARCHAR", "date": "DATE",
             "timestamp": "TIMESTAMP", "json": "JSON"}

ARCHETYPES = {  # name: share of customers
    "loyal": 0.08, "top_payer": 0.03, "impulse": 0.07, "bargain_hunter": 0.07, "wanderer": 0.08,
    "window_shopper": 0.04, "need_based": 0.06, "lapsed_one_time": 0.08, "support_after_order": 0.05,
    "flower_gifter": 0.04, "new_customer": 0.05, "dormant": 0.08, "regular": 0.27,
}
CATEGORIES = ("groceries", "electronics", "fashion", "home", "beauty", "toys", "flowers", "pet")
CHANNELS = ("web", "app", "store")
CITIES = {
    "US": ("New York", "Chicago", "Austin", "Seattle"), "CA": ("Toronto", "Montreal", "Vancouver"),
    "GB": ("London", "Manchester", "Leeds"), "DE": ("Berlin", "Munich", "Hamburg"),
    "FR": ("Paris", "Lyon", "Lille"), "ES": ("Madrid", "Barcelona"), "IT": ("Rome", "Milan"),
    "NL": ("Amsterdam", "Utrecht"), "SE": ("Stockholm", "Malmö"), "AU": ("Sydney", "Melbourne"),
}
COUNTRY_WEIGHTS = (30, 8, 14, 12, 9, 6, 6, 5, 4, 6)
FIRST_NAMES = ("Ada", "Ben", "Chloé", "Dev", "Elif", "Finn", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam",
               "Maya", "Noah", "Olga", "Pau", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Zoë")
LAST_NAMES = ("Andersson", "Brown", "Costa", "Dubois", "Evans", "Fischer", "García", "Hughes", "Ivanova",
              "Jensen", "Kowalski", "Lopez", "Müller", "Nguyen", "O'Brien", "Patel", "Rossi", "Smith")
PAGES = ("/", "/search", "/product", "/cart", "/checkout", "/help", "/offers")
TOPICS = ("delivery", "refund", "billing", "product", "account")
BRANDS = (("Northwind", "US"), ("Fjord", "SE"), ("Maison Lune", "FR"), ("Kobo", "JP"), ("Alpenrot", "DE"),
          ("Casa Viva", "ES"), ("Brightside", "GB"), ("Maple & Co", "CA"), ("Verde", "IT"), ("Outback", "AU"))
PRODUCTS_PER_CATEGORY = 40  # product p of category c: p = 100 * c + 0..39
UTM = (("google", "cpc"), ("newsletter", "email"), ("instagram", "social"), ("partner", "referral"))
TRACKED_DAYS = 180  # web.tracks covers the last 180 days
INDUSTRIES = ("software", "finance", "retail", "healthcare", "manufacturing", "education", "media")
FEATURES = ("dashboards", "exports", "alerts", "api", "sso", "reports", "sharing", "audit")


@frozen
class DemoTable:
    """A generated table: dotted name, (column, portable type) pairs, rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[tuple]


@dataclass
class _Shop:
    """The rows being generated, and who was planted in which group."""

    rng: random.Random
    customers: list[tuple] = field(default_factory=list)
    orders: list[tuple] = field(default_factory=list)
    page_views: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    tickets: list[tuple] = field(default_factory=list)
    planted: dict[str, set[int]] = field(default_factory=dict)
    calendar: dict[str, set[int]] = field(default_factory=dict)
    funnel: dict[str, set[int]] = field(default_factory=dict)

    def moment(self, day: date) -> datetime:
        """A random time of day between 07:00 and 23:00 on `day`."""
        return datetime.combine(day, time(7)) + timedelta(seconds=self.rng.randrange(16 * 3600))

    def order(self, customer: int, day: date, amount: float, category: str | None = None,
              channel: str | None = None, discount: float = 0.0) -> None:
        category = category or self.rng.choice(CATEGORIES)
        self.orders.append((len(self.orders) + 1, customer, self.moment(day), _money(amount), category,
                            channel or self.rng.choice(CHANNELS), Decimal(f"{discount:.2f}"),
                            CATEGORIES.index(category) * 100 + self.rng.randrange(40)))

    def visit(self, visitor: int, day: date) -> None:
        self.page_views.append((visitor, self.moment(day), self.rng.choice(PAGES)))

    def event(self, user: int, day: date, name: str, product: int | None = None) -> None:
        self.events.append((user, self.moment(day), name, product))

    def ticket(self, customer: int, day: date, order: int | None = None) -> None:
        self.tickets.append((len(self.tickets) + 1, customer, day, self.rng.choice(TOPICS), order))


def _money(amount: float) -> Decimal:
    return Decimal(f"{amount:.2f}")


def _ago(days: int) -> date:
    return DEMO_AS_OF - timedelta(days=days)


def _cadence(rng: random.Random, newest: int, oldest: int, step: tuple[int, int]) -> list[int]:
    """Days-ago of events from `newest` back to `oldest`, every `step` days (random within the range)."""
    days, ago = [], newest
    while ago <= oldest:
        days.append(ago)
        ago += rng.randint(*step)
    return days


def _orders_for(shop: _Shop, customer: int, archetype: str) -> None:
    """The orders, and where it matters tickets and visits, that an archetype produces."""
    rng = shop.rng
    amount = lambda low, high: rng.uniform(low, high)  # noqa: E731 - a short local helper
    if archetype == "loyal":  # ordered in every quarter for two years and more
        for ago in _cadence(rng, rng.randint(0, 15), rng.randint(760, 900), (20, 45)):
            shop.order(customer, _ago(ago), amount(20, 90))
    elif archetype == "top_payer":
        for ago in _cadence(rng, rng.randint(0, 120), rng.randint(500, 1000), (25, 60)):
            shop.order(customer, _ago(ago), amount(400, 1500), rng.choice(("electronics", "home", "fashion")))
    elif archetype == "impulse":  # small app orders in bursts, across many categories
        categories = rng.sample(CATEGORIES, 5)
        for burst in range(rng.randint(3, 5)):
            start = rng.randint(0, 600)
            for n in range(rng.randint(2, 4)):
                shop.order(customer, _ago(max(0, start - n)), amount(5, 39.99),
                           categories[(burst * 3 + n) % len(categories)], "app")
    elif archetype == "bargain_hunter":  # nearly every order carries a deep discount
        count = rng.randint(5, 14)
        for n, ago in enumerate(sorted(rng.sample(range(0, 900), count))):
            deal = n != 0 or count < 8
            shop.order(customer, _ago(ago), amount(15, 120), discount=rng.uniform(0.25, 0.5) if deal else 0.0)
    elif archetype == "wanderer":  # browses a lot, buys at most once
        for ago in rng.sample(range(0, 360), rng.randint(15, 50)):
            shop.visit(customer, _ago(ago))
        if rng.random() < 0.4:
            shop.order(customer, _ago(rng.randint(30, 700)), amount(10, 80))
    elif archetype == "window_shopper":  # visited lately, never bought
        for ago in rng.sample(range(0, 30), rng.randint(1, 6)):
            shop.visit(customer, _ago(ago))
    elif archetype == "need_based":  # one category, on a steady cadence
        category = rng.choice(("groceries", "pet", "beauty"))
        for ago in _cadence(rng, rng.randint(0, 15), rng.randint(200, 700), (20, 35)):
            shop.order(customer, _ago(ago), amount(15, 70), category)
    elif archetype == "lapsed_one_time":
        shop.order(customer, _ago(rng.randint(120, 700)), amount(10, 150))
    elif archetype == "support_after_order":  # ordered, then opened a ticket within a week
        for ago in sorted(rng.sample(range(10, 500), rng.randint(2, 6))):
            shop.order(customer, _ago(ago), amount(20, 200))
        order_id, _, ordered_at, *_ = shop.orders[-1]
        shop.ticket(customer, ordered_at.date() + timedelta(days=rng.randint(0, 6)), order_id)
    elif archetype == "flower_gifter":
        for ago in rng.sample(range(10, 350), rng.randint(2, 4)):
            shop.order(customer, _ago(ago), amount(25, 90), "flowers")
        for ago in rng.sample(range(0, 900), rng.randint(0, 3)):
            shop.order(customer, _ago(ago), amount(10, 120))
    elif archetype == "new_customer":
        for ago in rng.sample(range(0, 25), rng.randint(0, 2)):
            shop.order(customer, _ago(ago), amount(10, 150))
    elif archetype == "dormant":  # a few orders, all more than a year ago
        for ago in rng.sample(range(400, 1200), rng.randint(2, 6)):
            shop.order(customer, _ago(ago), amount(10, 150))
    else:  # regular: a handful of orders at any time
        for ago in rng.sample(range(0, 1200), rng.randint(1, 8)):
            shop.order(customer, _ago(ago), amount(10, 200), discount=rng.choice((0, 0, 0, 0.1, 0.3)))


def _shop(customers: int, seed: int) -> _Shop:
    rng = random.Random(seed)
    shop = _Shop(rng)
    names, weights = list(ARCHETYPES), list(ARCHETYPES.values())
    for customer in range(1, customers + 1):
        archetype = rng.choices(names, weights)[0]
        shop.planted.setdefault(archetype, set()).add(customer)
        first_order = len(shop.orders)
        _orders_for(shop, customer, archetype)
        days = [row[2].date() for row in shop.orders[first_order:]]
        if archetype == "new_customer":
            signup = _ago(rng.randint(max((DEMO_AS_OF - d).days for d in days) if days else 0, 29))
        else:
            earliest = min(days, default=_ago(rng.randint(31, 1000)))
            signup = max(HISTORY_START, min(earliest - timedelta(days=rng.randint(0, 90)), _ago(31)))
        _background(shop, customer, signup, shop.orders[first_order:])
        shop.customers.append(_person(rng, customer, signup))
    for visitor in range(customers + 1, customers + 1 + customers // 10):  # anonymous visitors, not customers
        shop.visit(visitor, _ago(rng.randint(0, 365)))
    _calendar(shop, random.Random(seed + 2))
    _funnel(shop, random.Random(seed + 3))
    return shop


def _calendar(shop: _Shop, rng: random.Random) -> None:
    """Birth dates and contract ends for every customer, and the calendar example's planted customers."""
    people = []
    for row in shop.customers:
        age = row[3]
        born = _born(rng, age) if age is not None else None
        member = rng.random() < 0.3
        contract_end = DEMO_AS_OF + timedelta(days=rng.randint(-200, 400)) if member else None
        people.append([*row, born, contract_end])
    regulars = sorted(shop.planted.get("regular", set()))
    if len(regulars) < 40:  # a slice too small to plant in (tests' tiny demos): the natural data only
        shop.customers = [tuple(person) for person in people]
        return
    picked = iter(rng.sample(regulars, 40))
    row_of = {person[0]: person for person in people}

    def plant(group: str, count: int, birth: date | None = None, contract_end: date | None = None) -> list[int]:
        keys = [next(picked) for _ in range(count)]
        for key in keys:
            person = row_of[key]
            if birth is not None:
                person[3] = _age_on(birth, DEMO_AS_OF)
                person[-2] = birth
            if contract_end is not None:
                person[-1] = contract_end
        shop.calendar.setdefault(group, set()).update(keys)
        return keys

    for days in (1, 2, 15, 30):  # contract_end in next 30 days: D+1 .. D+30
        plant("renewals_due", 1, contract_end=DEMO_AS_OF + timedelta(days=days))
    plant("not_renewals_due", 1, contract_end=DEMO_AS_OF + timedelta(days=31))
    plant("not_renewals_due", 1, contract_end=DEMO_AS_OF)
    for birth in (date(1990, 7, 1), date(1985, 7, 7), date(2001, 7, 3)):  # anniversary in next 7 days
        plant("birthday_week", 1, birth=birth)
    plant("not_birthday_week", 1, birth=date(1980, 6, 30))
    plant("not_birthday_week", 1, birth=date(1992, 7, 8))
    plant("leap_day_born", 1, birth=date(2000, 2, 29))
    plant("turned_18", 1, birth=date(2008, 6, 30))  # 18 on the demo day itself
    plant("not_18", 1, birth=date(2008, 7, 1))  # 18 tomorrow
    for key in plant("weekly_regulars", 5):  # orders in 3 of the last 4 weeks (week 1 is 06-24 .. 06-30)
        for ago in rng.sample((1, 8, 15, 23), 3):
            shop.order(key, _ago(ago), rng.uniform(15, 90))
    for key in plant("engaged", 5):  # logins on 5 distinct days of June
        for day in rng.sample(range(2, 28), 5):
            shop.event(key, date(2026, 6, day), "login")
    for key in plant("bingers", 5):  # three visit sessions, more than 30 minutes apart, last week
        start = datetime.combine(_ago(rng.randint(1, 5)), time(13))
        for minutes in (0, 20, 50, 95, 96, 150):  # 13:00-13:20, 13:50, 14:35-14:36, 15:30: four sessions
            shop.page_views.append((key, start + timedelta(minutes=minutes), rng.choice(PAGES)))
    shop.customers = [tuple(person) for person in people]


def _funnel(shop: _Shop, rng: random.Random) -> None:
    """The product funnel's planted customers: a product view and a cart addition around each one's latest order
    (or after it), placed on the edges of examples/journeys.seg's spans (cart within 1 day, no order of that
    product within 3 days). Each is drawn from the customers whose latest order lies 6 to 25 days before the
    demo day with no other order in the week before it, so no other event of theirs comes near the plants."""
    latest: dict[int, tuple] = {}
    quiet: dict[int, bool] = {}
    for order in sorted(shop.orders, key=lambda row: row[2]):
        before = latest.get(order[1])
        quiet[order[1]] = before is None or before[2] < order[2] - timedelta(days=7)
        latest[order[1]] = order
    elsewhere = set().union(*shop.calendar.values())
    pool = [key for key, order in sorted(latest.items())
            if quiet[key] and key not in elsewhere and _ago(25) <= order[2].date() <= _ago(6)]
    if len(pool) < 18:  # a demo too small to plant in
        return
    picked = iter(rng.sample(pool, 18))
    day, hour, minute = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)

    def plant(group: str, count: int) -> list[tuple[int, datetime, int, int]]:
        """`count` customers for `group`: each with its latest order's time and product, and another product."""
        keys = [next(picked) for _ in range(count)]
        shop.funnel.setdefault(group, set()).update(keys)
        found = []
        for key in keys:
            ordered_at, product = latest[key][2], latest[key][7]
            other = product - product % 100 + (product % 100 + rng.randint(1, 39)) % 40  # the same category
            found.append((key, ordered_at, product, other))
        return found

    def journey(key: int, viewed_at: datetime, viewed: int, carted_at: datetime, carted: int) -> None:
        shop.events.extend([(key, viewed_at, "view", viewed), (key, carted_at, "add_to_cart", carted)])

    # drop-outs: no order of the product within 3 days of the cart
    for key, ordered_at, _, other in plant("dropped", 3):  # after the latest order
        journey(key, ordered_at + day, other, ordered_at + day + 30 * minute, other)
    for key, _, _, other in plant("dropped_lately", 2):  # carted on the demo day: its 3 days reach past it
        carted_at = datetime.combine(DEMO_AS_OF, time(9))
        journey(key, carted_at - 13 * hour, other, carted_at, other)
    for key, ordered_at, _, other in plant("bought_other", 3):  # the order a day later is another product
        journey(key, ordered_at - day - 3 * hour, other, ordered_at - day, other)
    for key, ordered_at, product, _ in plant("bought_late", 3):  # that product, 3 days and a minute later
        journey(key, ordered_at - 3 * day - 4 * hour, product, ordered_at - 3 * day - minute, product)
    # not drop-outs: bought the product in time, or no cart of the viewed product within a day
    for key, ordered_at, product, _ in plant("bought", 2):
        journey(key, ordered_at - 2 * day, product, ordered_at - day - hour, product)
    for key, ordered_at, product, _ in plant("bought", 1):  # on both edges: cart 1 day on, order 3 days on
        journey(key, ordered_at - 4 * day, product, ordered_at - 3 * day, product)
    for key, ordered_at, _, other in plant("slow_cart", 2):  # carted a minute more than a day after the view
        journey(key, ordered_at + day, other, ordered_at + 2 * day + minute, other)
    for key, ordered_at, product, other in plant("carted_other", 2):
        journey(key, ordered_at + day, other, ordered_at + day + hour, product)


def _born(rng: random.Random, age: int) -> date:
    """A birth date of someone `age` years old on the demo day."""
    latest = DEMO_AS_OF.replace(year=DEMO_AS_OF.year - age)
    return latest - timedelta(days=rng.randrange(365))


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _background(shop: _Shop, customer: int, signup: date, orders: list[tuple]) -> None:
    """Sign-up, logins, browsing around orders (the order's product added to the cart), and the odd ticket."""
    rng = shop.rng
    shop.event(customer, signup, "signup")
    for order in orders:
        day = order[2].date()
        if rng.random() < 0.6:
            shop.visit(customer, day)
            shop.event(customer, day, "add_to_cart", order[7])
            shop.event(customer, day, "checkout")
    for _ in range(rng.randint(0, 6)):
        shop.event(customer, _ago(rng.randint(0, max(0, (DEMO_AS_OF - signup).days))), "login")
    if rng.random() < 0.08:
        shop.ticket(customer, _ago(rng.randint(0, (DEMO_AS_OF - signup).days)))


def _person(rng: random.Random, customer: int, signup: date) -> tuple:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    country = rng.choices(list(CITIES), COUNTRY_WEIGHTS)[0] if rng.random() > 0.02 else None
    city = rng.choice(CITIES[country]) if country else None
    age = rng.randint(18, 85) if rng.random() > 0.03 else None
    gender = rng.choices(("F", "M", "X"), (48, 48, 4))[0] if rng.random() > 0.02 else None
    income = rng.choices(("low", "middle", "high"), (30, 50, 20))[0]
    email = f"{first}.{last}.{customer}@example.com".lower().replace("'", "")
    return customer, f"{first} {last}", email, age, gender, income, country, city, signup


def _crm(rng: random.Random, accounts: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Accounts by industry and size, monthly invoices for paying ones, product usage."""
    rows: list[tuple] = []
    invoices: list[tuple] = []
    usage: list[tuple] = []
    for account in range(1, accounts + 1):
        employees = int(10 ** rng.uniform(0.5, 4.3))
        plan = rng.choices(("free", "team", "enterprise"), (35, 45, 20) if employees < 1000 else (10, 30, 60))[0]
        revenue = _money(employees * rng.uniform(80_000, 250_000))
        rows.append((account, f"Account {account:04d}", rng.choice(INDUSTRIES), employees, revenue,
                     rng.choices(list(CITIES), COUNTRY_WEIGHTS)[0], plan))
        churned = plan != "free" and rng.random() < 0.15
        if plan != "free":
            price = {"team": 49, "enterprise": 900}[plan] * max(1, employees // 50)
            last = rng.randint(4, 12) if churned else 0  # months ago of the newest invoice
            for month in range(rng.randint(last + 1, 36), last - 1, -1):
                issued = shift_months(DEMO_AS_OF.replace(day=1), -month)
                invoices.append((len(invoices) + 1, account, issued, _money(price * rng.uniform(0.9, 1.1))))
        busy = 0 if churned else rng.choice((0, 3, 12, 80))
        for ago in (rng.randint(0, 90) for _ in range(busy)):
            usage.append((account, datetime.combine(_ago(ago), time(9)) + timedelta(minutes=rng.randrange(600)),
                          rng.choice(FEATURES[: 2 + busy // 8])))
    return rows, invoices, usage


def _catalogue(rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    """Products (every id an order or event can name, one of a category in 8 of a brand) and their brands."""
    brands = [(number, name, country) for number, (name, country) in enumerate(BRANDS, start=1)]
    products = []
    for index, category in enumerate(CATEGORIES):
        for offset in range(PRODUCTS_PER_CATEGORY):
            brand = rng.choice(brands)[0] if rng.random() > 0.05 else None  # a few unbranded
            price = _money(rng.uniform(4, 60) * (8 if category == "electronics" else 1))
            products.append((index * 100 + offset, f"{category.title()} item {offset + 1}", category, brand, price))
    return products, brands


def _tracks(rng: random.Random, shop: _Shop, products: list[tuple]) -> list[tuple]:
    """web.tracks: (user_id, ts, event, properties as JSON text), in the order generated (see the module's
    docstring)."""
    price = {row[0]: row[4] for row in products}
    moment = _Shop(rng).moment  # times of day from this generator
    start = datetime.combine(_ago(TRACKED_DAYS - 1), time())
    rows: list[tuple] = []

    def track(user: int, at: datetime, event: str, properties: dict) -> None:
        rows.append((user, at, event, json.dumps(properties, ensure_ascii=False)))

    def some(value: object, as_text: float = 0.1) -> object:  # a number, now and then written as a string
        return str(value) if rng.random() < as_text else value

    ordered: dict[int, list[tuple]] = {}
    for order in shop.orders:
        if order[2] >= start:
            ordered.setdefault(order[1], []).append(order)
    for row in shop.customers:
        user, signup = row[0], row[8]
        if rng.random() < 0.35:  # not every customer is tracked (blocked, another device)
            continue
        first = max(start.date(), signup)
        span = (DEMO_AS_OF - first).days
        for _ in range(rng.randint(1, 8)):
            at = moment(first + timedelta(days=rng.randint(0, span)))
            page = rng.choice(PAGES)
            properties: dict = {"page": page}
            if rng.random() < 0.4:
                source, medium = rng.choice(UTM)
                properties["utm"] = {"source": source, "medium": medium}
            if page == "/checkout":
                properties["ab test"] = rng.choice(("A", "B"))
            track(user, at, "page_view", properties)
        for _, _, ordered_at, _, category, *_, product in ordered.get(user, []):
            if rng.random() < 0.5:  # the product ordered, viewed within two days before
                viewed = ordered_at - timedelta(minutes=rng.randint(5, 48 * 60))
                track(user, max(viewed, start), "product_view",
                      {"product_id": some(product), "price": some(float(price[product])), "category": category})
        for _ in range(rng.randint(0, 3)):  # browsing other products
            product = rng.choice(products)[0]
            at = moment(first + timedelta(days=rng.randint(0, span)))
            track(user, at, "product_view", {"product_id": some(product), "price": some(float(price[product]))})
        if rng.random() < 0.15:
            topics = rng.sample(CATEGORIES, rng.randint(0, 3))
            track(user, moment(first + timedelta(days=rng.randint(0, span))), "newsletter_signup",
                  {"newsletter": rng.random() < 0.8 if rng.random() < 0.9 else "true", "topics": topics})
        if rng.random() < 0.1:
            began = first + timedelta(days=rng.randint(0, span))
            track(user, moment(began), "trial_started",
                  {"plan": rng.choice(("club", "club plus")), "trial_ends": (began + timedelta(days=30)).isoformat(),
                   "auto_renew": rng.random() < 0.5})
    return rows


def demo_tables(customers: int = 5000, seed: int = 7) -> list[DemoTable]:
    """Every demo table, generated from the seed."""
    shop = _shop(customers, seed)
    accounts, invoices, usage = _crm(random.Random(seed + 1), max(1, customers // 8))
    products, brands = _catalogue(random.Random(seed + 2))
    tracks = _tracks(random.Random(seed + 4), shop, products)
    return [
        DemoTable("shop.customers", (("customer_id", "integer"), ("name", "text"), ("email", "text"),
                                     ("age", "integer"), ("gender", "text"), ("income_band", "text"),
                                     ("country", "text"), ("city", "text"), ("signup_date", "date"),
                                     ("birth_date", "date"), ("contract_end", "date")),
                  shop.customers),
        DemoTable("shop.orders", (("order_id", "integer"), ("customer_id", "integer"), ("ordered_at", "timestamp"),
                                  ("amount", "decimal"), ("category", "text"), ("channel", "text"),
                                  ("discount", "decimal"), ("product_id", "integer")), shop.orders),
        DemoTable("shop.products", (("product_id", "integer"), ("name", "text"), ("category", "text"),
                                    ("brand_id", "integer"), ("price", "decimal")), products),
        DemoTable("shop.brands", (("brand_id", "integer"), ("name", "text"), ("country", "text")), brands),
        DemoTable("web.page_views", (("visitor_id", "integer"), ("viewed_at", "timestamp"), ("page", "text")),
                  shop.page_views),
        DemoTable("web.events", (("user_id", "integer"), ("ts", "timestamp"), ("event", "text"),
                                 ("product_id", "integer")), shop.events),
        DemoTable("web.tracks", (("user_id", "integer"), ("ts", "timestamp"), ("event", "text"),
                                 ("properties", "json")), tracks),
        DemoTable("support.tickets", (("ticket_id", "integer"), ("customer_id", "integer"), ("opened_on", "date"),
                                      ("topic", "text"), ("order_number", "integer")), shop.tickets),
        DemoTable("crm.accounts", (("account_id", "integer"), ("name", "text"), ("industry", "text"),
                                   ("employees", "integer"), ("annual_revenue", "decimal"), ("country", "text"),
                                   ("plan", "text")), accounts),
        DemoTable("crm.invoices", (("invoice_id", "integer"), ("account_id", "integer"), ("issued_on", "date"),
                                   ("amount", "decimal")), invoices),
        DemoTable("crm.usage", (("account_id", "integer"), ("used_at", "timestamp"), ("feature", "text")), usage),
    ]


def planted_groups(customers: int = 5000, seed: int = 7) -> dict[str, set[int]]:
    """Archetype name -> the customer keys planted as that archetype."""
    return _shop(customers, seed).planted


def calendar_plants(customers: int = 5000, seed: int = 7) -> dict[str, set[int]]:
    """The calendar example's planted groups (see the module's docstring), `not_...` for those just outside."""
    return _shop(customers, seed).calendar


def funnel_plants(customers: int = 5000, seed: int = 7) -> dict[str, set[int]]:
    """The product funnel's planted groups (see `_funnel`): drop-outs, buyers, and those just outside."""
    return _shop(customers, seed).funnel


def load_demo(con: duckdb.DuckDBPyConnection, customers: int = 5000, seed: int = 7) -> None:
    """Create and fill every demo table in a DuckDB connection."""
    from sqlglot import exp

    for table in demo_tables(customers, seed):
        schema, name = table.name.split(".")
        con.execute(exp.Create(this=exp.to_identifier(schema), kind="SCHEMA", exists=True).sql("duckdb"))
        columns = [exp.alias_(exp.cast(exp.Unnest(expressions=[exp.Placeholder(this=str(i + 1))]),
                                       SQL_TYPES[kind]), column)
                   for i, (column, kind) in enumerate(table.columns)]
        create = exp.Create(this=exp.table_(name, db=schema), kind="TABLE", expression=exp.select(*columns))
        values = [list(column) for column in zip(*table.rows)] or [[] for _ in table.columns]
        con.execute(create.sql("duckdb"), values)


def write_demo(path: str) -> None:
    """The demo data in a new DuckDB file, a database that materialize can write history into.

    The file appears whole or not at all: it is written under a temporary name beside it, then renamed.
    """
    import os
    import tempfile
    from pathlib import Path

    import duckdb

    from ..errors import error
    from .targets import open_duckdb_file

    target = Path(path)
    if target.exists():
        raise error(f"{path} already exists", None, "give the name of a new file")
    if not target.parent.is_dir():
        missing = "does not exist" if not target.parent.exists() else "is not a folder"
        raise error(f"cannot write {path}: {target.parent} {missing}")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as scratch:
            partial = Path(scratch) / "demo.duckdb"
            con = open_duckdb_file(partial, writable=True)
            try:
                load_demo(con)
            finally:
                con.close()
            os.link(partial, target)  # unlike a rename, never replaces a file created meanwhile
    except FileExistsError:
        raise error(f"{path} already exists", None, "give the name of a new file") from None
    except (OSError, duckdb.Error) as exc:
        raise error(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}") from None
