# Loyalty program (seed 004)
nav-loyalty = Loyalty
section-loyalty = Loyalty program
loyalty-on-card = Loyalty points
points-count = { $count ->
    [one] { $n } point
   *[other] { $n } points
}
filter-points-yes = With points
chip-points = With loyalty points

loyalty-tab-overview = Overview
loyalty-tab-exchanges = Exchange orders
loyalty-tab-rewards = Rewards
loyalty-tab-reviews = Reviews
loyalty-tab-settings = Settings

loyalty-disabled-notice = The loyalty program is off: customers neither earn points nor exchange them for products. You can still add and subtract points by hand.
loyalty-configure = Set up the program
loyalty-balance = Current points
loyalty-held = Points held by exchange orders
loyalty-balance-help = Points held by pending exchange orders are not part of the current points; they go back to the customer if the order is rejected.
loyalty-manage = Manage points
loyalty-points = Number of points
loyalty-direction = Operation
loyalty-direction-add = Add points
loyalty-direction-subtract = Subtract points
loyalty-reason = Reason
loyalty-manage-help = The change is written to the operation history. Nothing is sent to the customer and no setting changes.
loyalty-manage-save = Save changes

loyalty-exchanges = Points exchange orders
loyalty-exchanges-lead = Customers exchange points for products; the points are held until you decide.
loyalty-exchanges-empty = No exchange orders.
loyalty-exchanges-pending = { $count ->
    [one] Pending ({ $n })
   *[other] Pending ({ $n })
}
loyalty-exchanges-pending-empty = No exchange order is waiting for you.
loyalty-exchanges-decided = Recently decided
loyalty-reward = Reward
loyalty-exchange-place = Place exchange order
loyalty-stock = { $count ->
    [one] { $n } in stock
   *[other] { $n } in stock
}
exchange-accept = Accept
exchange-reject = Reject
exchange-status-pending = Pending
exchange-status-accepted = Accepted
exchange-status-rejected = Rejected

loyalty-history = Operation history
loyalty-history-empty = No point operations yet.
loyalty-col-date = Date
loyalty-col-operation = Operation
loyalty-col-points = Points
loyalty-col-actor = By
loyalty-col-cause = Concerns
loyalty-col-balance-after = Balance after
loyalty-col-customer = Customer
loyalty-col-reward = Product
loyalty-col-status = Status
loyalty-col-decided = Decided
loyalty-col-earned = Points earned
loyalty-col-list-price = List price
loyalty-col-stock = Stock
loyalty-col-offered = Offered
loyalty-cause-order = Order { $number }
loyalty-cause-exchange = Exchange #{ $number }
loyalty-cause-review = Review #{ $number }
loyalty-reversal-shortfall = (the customer had already used some of the points; what was left was taken)
loyalty-kind-earn_order = Points for a purchase
loyalty-kind-earn_newsletter = Points for the newsletter sign-up
loyalty-kind-earn_review = Points for a product review
loyalty-kind-spend = Points paid on an order
loyalty-kind-unspend = Points returned from a cancelled order
loyalty-kind-merge_in = Points brought from earlier guest orders
loyalty-kind-merge_out = Points moved to the customer's account
loyalty-kind-manual_add = Points added by staff
loyalty-kind-manual_subtract = Points subtracted by staff
loyalty-kind-hold = Points held (exchange order)
loyalty-kind-release = Held points returned (exchange rejected)
loyalty-kind-redeem = Exchange order accepted
loyalty-kind-reversal = Points reversed (cancellation or refund)
loyalty-kind-expiry = Points expired

loyalty-reviews = Product reviews
loyalty-reviews-empty = The customer has not written a review yet.
review-add = Record a customer review
review-product = Product
review-rating-label = Rating
review-rating = { $count ->
    [one] { $n } star
   *[other] { $n } stars
}
review-body = Review text
review-add-help = The review waits for approval; review points are granted when it is approved.
review-save = Save review
review-approve = Approve
review-reject = Reject
review-status-pending = Awaiting approval
review-status-approved = Approved
review-status-rejected = Rejected
reviews-lead-award = { $count ->
    [one] Each approved review gives the customer { $n } point.
   *[other] Each approved review gives the customer { $n } points.
}
reviews-lead-no-award = The program gives no points for reviews right now.
reviews-pending = { $count ->
    [one] Awaiting approval ({ $n })
   *[other] Awaiting approval ({ $n })
}
reviews-pending-empty = No review is waiting for approval.
reviews-decided = Recently decided
reviews-decided-empty = No decided reviews.

loyalty-rewards = Rewards for points
loyalty-rewards-lead = Products customers can get in exchange for points.
loyalty-rewards-none = No product can be had for points yet.
loyalty-offered = Offered
loyalty-reward-add = Add a reward
loyalty-reward-points = Price in points
loyalty-reward-stock = Stock
loyalty-reward-save = Add reward
loyalty-reward-no-products = Every product is a reward already.

loyalty-settings-title = Loyalty program settings
loyalty-settings-lead = What customers earn points for, and when.
loyalty-settings-enabled = Loyalty program on
loyalty-settings-enabled-help = When off, the program grants no points and takes no exchange orders.
loyalty-settings-purchases = Points for purchases
loyalty-settings-rate = Points per unit of currency
loyalty-settings-rate-help = For example, 1 is 1 point for every €1 spent; 0.5 is 1 point for every €2. Counted on what the customer actually paid, without shipping and without the part paid with store credit or points; rounded down.
loyalty-settings-status = Grant the points when the order reaches the status
loyalty-settings-status-help = Cancelling the order takes its points back; a partial refund takes them back in proportion.
loyalty-settings-scope = Products that earn points
loyalty-settings-scope-all = All products
loyalty-settings-scope-selected = Selected products only
loyalty-settings-products = Selected products
loyalty-settings-products-help = Used when only selected products earn points.
loyalty-settings-other = Other awards
loyalty-settings-newsletter = Points for signing up to the newsletter
loyalty-settings-review = Points for an approved product review
loyalty-settings-awards-help = Empty or 0: no award. The newsletter award is given once per customer.
loyalty-settings-expiry = Points expire after (days without earning)
loyalty-settings-expiry-help = Empty: points never expire.
loyalty-settings-save = Save settings

loyalty-overview-title = Loyalty program
loyalty-overview-on = The program is on.
loyalty-outstanding = Points in customers' accounts
loyalty-pending-exchanges = Exchange orders to decide
loyalty-earned-12 = Earned in the last 12 months
loyalty-redeemed-12 = Redeemed in the last 12 months
loyalty-chart-earned = Points earned per month
loyalty-chart-redeemed = Points redeemed per month
loyalty-chart-empty = No points in this period.
loyalty-top-earners = Customers who earned the most points
loyalty-top-empty = Nobody has earned points yet.

flash-points-saved = Saved. The points are updated.
flash-exchange-placed = Exchange order placed; the points are held.
flash-exchange-accepted = Exchange order accepted; an order for the product was created.
flash-exchange-rejected = Exchange order rejected; the points went back to the customer.
flash-review-added = Review saved; it awaits approval.
flash-review-approved = Review approved.
flash-review-rejected = Review rejected.
flash-reward-added = Reward added.
flash-reward-saved = Reward saved.
flash-loyalty-settings = Loyalty program settings saved.

loyalty-error-invalid = Check the highlighted fields.
loyalty-error-insufficient = The customer does not have that many points. Nothing was changed.
loyalty-error-disabled = The loyalty program is off.
loyalty-error-unavailable = This reward is not offered or is out of stock.
loyalty-error-decided = Someone else has already decided this.
loyalty-error-key-reused = This form was already used for another operation. Reload the page.
loyalty-error-not-found = Not found.
loyalty-error-server = Could not save. Please try again.
loyalty-error-points-whole = Enter a whole number, digits only.
loyalty-error-points-positive = Enter a number greater than zero.
loyalty-error-points-too-many = At most 10,000,000 points at a time.
loyalty-error-direction = Choose whether to add or subtract points.
loyalty-error-rate = Enter a number from 0 to 1000 with at most two decimals.
loyalty-error-status = Choose a status from the list.
loyalty-error-products = Choose products from the list.
loyalty-error-products-none = Choose at least one product, or grant points on all of them.
loyalty-error-product = Choose a product from the list.
loyalty-error-rating = Choose a rating from 1 to 5.
loyalty-error-reward = Choose a reward from the list.
loyalty-error-reward-exists = This product is a reward already.
loyalty-error-stock = Enter a stock from 0 to 1,000,000.

# Timeline lines (audit entries about the customer)
audit-loyalty-earn_order = Loyalty points earned on an order
audit-loyalty-earn_newsletter = Loyalty points for the newsletter sign-up
audit-loyalty-earn_review = Loyalty points for a product review
audit-loyalty-spend = Loyalty points paid on an order
audit-loyalty-unspend = Loyalty points returned from a cancelled order
audit-loyalty-merge_in = Loyalty points brought from the guest orders of the same e-mail
audit-loyalty-merge_out = Loyalty points moved to the customer account of the same e-mail
audit-loyalty-manual_add = Loyalty points added by staff
audit-loyalty-manual_subtract = Loyalty points subtracted by staff
audit-loyalty-hold = Loyalty points held by an exchange order
audit-loyalty-release = Held loyalty points returned
audit-loyalty-redeem = Points exchange order accepted
audit-loyalty-reversal = Loyalty points reversed
audit-loyalty-expiry = Loyalty points expired
audit-review-add = Product review recorded
audit-review-approved = Product review approved
audit-review-rejected = Product review rejected

loyalty-order-earned = Loyalty points earned
loyalty-order-reversed = { $count ->
    [one] { $n } taken back
   *[other] { $n } taken back
}
loyalty-rewards-unaffordable = The customer does not have enough points for any reward in stock.
loyalty-settings-point-value = Value of one point at checkout
loyalty-settings-point-value-help = Empty: points are only exchanged for rewards. With a value (for example 0,01), signed-in customers may pay part of an order with their points at checkout; the order's total is what is left to pay, and it earns points only on that.
