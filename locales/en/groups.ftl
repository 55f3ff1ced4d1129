# Customer groups (seed 002), group prices, personal discounts, credit options.
groups-title = Customer groups
groups-lead = Group your customers (wholesale, retail, customers from Spain…) to give them their own prices and discounts.
groups-help = Customer groups are what other shops call customer "Categories": a customer belongs to at most one group.
groups-empty = No groups yet. Create the first one with "New group".
group-new = New group
group-edit = Edit group
group-delete = Delete
group-delete-title = Delete the group "{ $name }"?
group-delete-members = { $count ->
    [0] The group has no customers.
    [one] The group has { $n } customer, who will be left without a group.
   *[other] The group has { $n } customers, who will be left without a group.
}
group-delete-prices = The group's own prices are removed. Orders already placed do not change.
group-none = No group
group-prices = Group prices
group-prices-help = Leave a price empty for the group to pay the list price minus its default discount.
group-prices-save = Save prices
group-price-for = Group price for { $product }
group-discount-is = group discount { $percent }
field-group = Customer group
field-group-help = A customer belongs to at most one group.
field-group-name = Name
field-group-discount = Default discount (%)
field-group-discount-help = Applies to products without a group price of their own. Between 0 and 100, at most two decimals.
col-customers = Customers
col-list-price = List price
col-group-price = Group price
col-due = Due
col-owed = Outstanding
customers-count = { $count ->
    [one] { $n } customer
   *[other] { $n } customers
}
products-empty = There are no active products.
filter-group = Group
chip-group = Group: { $value }
customer-pricing = Group and personal discount
customer-pricing-managers = Only the owner and managers change the group and the personal discount.
field-discount-kind = Personal discount
field-discount-value = Discount value
field-discount-help = Amount: taken off each unit. Percentage: between 0 and 100.
field-personal-discount = Personal discount
discount-none = None
discount-amount = Amount
discount-percent = Percentage
discount-amount-each = { $amount } off each unit
section-pricing = Prices
pricing-rule = How the price is computed: start from the list price; if the group has its own price for the product, that price replaces it; otherwise the group's default discount is taken off; then the personal discount (a percentage, or an amount per unit) is taken off, never going below zero. Each percentage is rounded to the cent (halves up).
pricing-sample = Sample product
pricing-compute = Compute
pricing-step-list = List price
pricing-step-group-price = Group price
pricing-step-group-discount = Group discount
pricing-step-personal = Personal discount
pricing-step-final = Price for this customer
bulk-group-label = Assign to group
bulk-group-submit = Assign
bulk-all-matching = All customers in this view
bulk-all-matching-n = { $count ->
    [one] The customer in this view
   *[other] All { $n } customers in this view
}
bulk-select = Select { $name }
bulk-group-title = Assign group
bulk-group-confirm = { $count ->
    [one] Put { $n } customer in the group "{ $group }"?
   *[other] Put { $n } customers in the group "{ $group }"?
}
bulk-group-confirm-none = { $count ->
    [one] Remove { $n } customer from their group?
   *[other] Remove { $n } customers from their group?
}
bulk-group-none = No customer is selected.
bulk-group-apply = Confirm
bulk-group-count-changed = The number of customers has changed since you saw it. Check the figure and confirm again.
flash-group-created = Group created.
flash-group-saved = Group saved.
flash-group-deleted = Group deleted; its customers are now without a group.
flash-group-prices-saved = Group prices saved.
flash-group-assigned = Group assigned.
error-group-name-required = Enter a name for the group.
error-group-name-taken = A group with that name already exists.
error-group-unknown = That group does not exist.
error-percent-range = The percentage must be between 0 and 100.
error-percent-invalid = Enter a percentage such as 10 or 12.5.
error-amount-negative = The amount cannot be negative.
error-discount-kind = Choose a kind of discount.
error-product-unknown = That product does not exist or is not active.
error-selection-too-large = Too many customers selected at once.
# Credit options (B2B)
credit-options-menu-entry = View credit options
credit-options-title = Credit options
credit-options-lead = Buying on credit (B2B): a credit limit and payment terms for orders on account.
credit-options-empty = This customer has no credit options.
section-credit-options = Credit options
credit-option-add = Add option
credit-option-add-submit = Add
credit-option-heading = Credit in { $currency }
credit-option-currency = Currency
credit-option-limit = Credit limit
credit-option-terms = Payment terms (days)
credit-option-terms-help = Between 0 and 365 days from the order.
credit-option-active = Active
credit-option-inactive = Inactive
credit-option-block-overdue = Refuse new orders while invoices are overdue
credit-option-outstanding = Outstanding
credit-option-overdue = Overdue
credit-option-available = Available
flash-credit-option-added = Credit option added.
flash-credit-option-saved = Credit option saved.
error-credit-option-exists = This customer already has a credit option in that currency.
error-currency-invalid = Enter a three-letter currency code, such as EUR.
error-terms-days = The terms must be a number of days between 0 and 365.
payment-on_account = On account (credit)
invoice-state = Invoice
invoice-open = Awaiting payment
invoice-settle = Record payment
invoice-settled-on = Paid on { $date }
flash-order-settled = Payment recorded.
# Orders created in the panel
order-new = New order
order-new-lead = Every line is priced with the customer's prices: their group and their personal discount.
order-preview = Compute
order-create = Create order
flash-order-created = Order created.
error-order-empty = Add at least one product.
error-quantity = The quantity must be a whole number between 1 and 10,000.
error-order-currencies = All products in an order must have the same currency.
error-payment-method = Choose a payment method.
order-refused-no-option = This customer has no active credit option in the order's currency: they cannot buy on account.
order-refused-limit = Refused: the order ({ $order }) plus what is outstanding ({ $outstanding }) exceeds the credit limit ({ $limit }).
order-refused-overdue = { $count ->
    [one] Refused: the customer has { $n } overdue invoice.
   *[other] Refused: the customer has { $n } overdue invoices.
}
audit-group-create = Group created
audit-group-update = Group changed
audit-group-delete = Group deleted
audit-group-price = Group price changed
audit-group-assign = Customers assigned to a group
audit-order-create = Order created in the panel
audit-order-settle = Invoice payment recorded
audit-customer-credit-option-add = Credit option added
audit-customer-credit-option-update = Credit option changed
