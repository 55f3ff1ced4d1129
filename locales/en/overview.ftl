## Customers overview
overview-link = Overview
overview-title = Customers overview
overview-lead = Who buys the most and who comes back to buy again.
overview-stat-buyers = Customers with orders
overview-stat-buyers-note = { $count ->
    [one] Of { $n } customer in total
   *[other] Of { $n } customers in total
}
overview-stat-returning = Returning customers
overview-stat-returning-note = { $count ->
    [one] { $n } customer ordered more than once
   *[other] { $n } customers ordered more than once
}
overview-no-buyers = No orders yet.
overview-stat-best = Best customer
overview-stat-created = New customers
overview-last-12-months = In the last 12 months
overview-top-title = Top 10 customers by amount spent
overview-top-empty = Nobody has bought anything yet. The customers who spend the most will appear here.
overview-col-rank = Rank
overview-terms-title = How we count
overview-new-buyers = New
overview-new-buyers-help = Customers who placed their first order that month.
overview-returning-buyers = Returning
overview-returning-buyers-help = Customers who ordered that month and had ordered before. A customer is returning once they have two or more orders.
overview-spent-help = The sum of their orders in { $currency }, cancelled ones excluded.
overview-buyers-title = New and returning buyers per month
overview-buyers-desc = Each customer counts once in every month they ordered in, over the last 12 months.
overview-buyers-empty = There were no orders in the last 12 months.
overview-show-data = Show the data
overview-col-month = Month
overview-created-title = Customers created per month
overview-created-desc = { $count ->
    [one] { $n } customer created in the last 12 months
   *[other] { $n } customers created in the last 12 months
}
overview-created-empty = No customers were created in the last 12 months.
overview-col-created = Customers created
