## Layout and navigation
skip-to-content = Skip to content
nav-main = Main navigation
nav-menu = Menu
nav-dashboard = Dashboard
nav-staff = Staff
nav-settings = Settings
nav-account = My account
language = Language
sign-in = Sign in
sign-out = Sign out
save = Save
cancel = Cancel

## Sign-in and first-run setup
login-title = Sign in to Clientela
login-lead = Manage your store's customers, orders and loyalty in one place.
login-refused = The e-mail or password is not right. Check both and try again.
login-throttled = Too many failed attempts. For your security, sign-in is paused for a while; try again later.
setup-title = Create the owner account
setup-lead = This is the first account of your store. The owner can invite staff and change every setting.
setup-submit = Create owner account
password-rule = Use at least 12 characters. A short sentence is easy to remember and hard to guess.

## Form fields
field-name = Full name
field-email = E-mail
field-password = Password
field-password-confirm = Repeat the password
field-current-password = Current password
field-new-password = New password
field-role = Role

## Field errors
error-required = This field is required.
error-too-long = This is too long.
error-email-invalid = Enter a valid e-mail address, like name@example.com.
error-email-taken = A staff account with this e-mail already exists.
error-invalid-characters = This contains characters that are not allowed.
error-password-too-short = The password must have at least 12 characters.
error-password-mismatch = The two passwords are not the same.
error-password-wrong = The current password is not right.
error-last-owner = The store needs at least one active owner: make someone else owner first.

## Flash messages
flash-owner-created = Welcome! Your owner account is ready.
flash-staff-created = The staff account was created.
flash-role-changed = The role was changed.
flash-staff-disabled = The account was disabled and signed out everywhere.
flash-staff-enabled = The account was enabled.
flash-settings-saved = Settings saved.
flash-password-changed = Your password was changed. Every other session was signed out.

## Roles
role-owner = Owner
role-manager = Manager
role-support = Support
role-owner-help = Everything, including staff accounts and store settings.
role-manager-help = Everything except staff accounts and store settings.
role-support-help = Sees customers and edits their contact data, notes and tags. No money or points.

## Dashboard
dashboard-title = Your store today
dashboard-lead = Customers and orders at a glance.
dashboard-recent-orders = Latest orders
dashboard-orders-by-status = Orders by status
dashboard-no-orders = No orders yet. They will show up here as soon as customers buy.
stat-customers = Customers
stat-registered-guests = { $count ->
    [one] { $n } registered
   *[other] { $n } registered
}
stat-guests = { $count ->
    [one] { $n } guest
   *[other] { $n } guests
}
stat-new-customers = New customers
stat-last-30-days = In the last 30 days
stat-orders = Orders
stat-orders-30d = { $count ->
    [one] { $n } in the last 30 days
   *[other] { $n } in the last 30 days
}
stat-revenue = Sales
stat-revenue-note = All orders except cancelled ones, per currency
orders-count = { $count ->
    [one] { $count } order
   *[other] { $count } orders
}
col-order = Order
col-customer = Customer
col-date = Date
col-status = Status
col-total = Total
col-state = State
col-created = Created
col-actions = Actions

## Order statuses
order-status-pending = Pending
order-status-paid = Paid
order-status-shipped = Shipped
order-status-delivered = Delivered
order-status-cancelled = Cancelled

## Staff
staff-title = Staff accounts
staff-lead = Who can sign in to the admin, and what each person may do.
staff-new = New staff account
staff-new-lead = The new person signs in with this e-mail and password; ask them to change the password afterwards.
staff-create = Create account
staff-you = you
staff-active = Active
staff-disabled = Disabled
staff-disable = Disable
staff-enable = Enable
staff-change-role = Change
staff-roles-title = What each role may do

## Settings
settings-title = Store settings
settings-lead = Settings that apply to the whole store.
settings-default-language = Store language
settings-default-language-hint = Used when a person has not chosen a language and the browser asks for none of ours.

## My account
account-title = My account
account-password-title = Change password
account-password-lead = Changing the password signs you out on every other device.
account-password-submit = Change password

## Error pages
error-back-home = Back to the dashboard
error-400-title = This request could not be understood
error-400-text = Something in the request was not valid. Go back and try again.
error-403-title = You don't have access to this page
error-403-text = Your role does not allow this, or the form expired. Reload the page and try again; ask the store owner if you need access.
error-404-title = Page not found
error-404-text = The page you are looking for does not exist or was removed.
error-413-title = Too much data
error-413-text = What you sent is larger than allowed.
error-422-title = Some data is not valid
error-422-text = Check the form and try again.
error-429-title = Too many requests
error-429-text = Please wait a moment and try again.
error-500-title = Something went wrong on our side
error-500-text = The error was recorded. Try again in a moment; nothing was changed.
error-503-title = Temporarily unavailable
error-503-text = The store's database is not answering right now. Try again in a moment.
error-507-title = The store's disk is full
error-507-text = Nothing was saved: the server has run out of disk space. Ask your administrator to free some space, then try again.
