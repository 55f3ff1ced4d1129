# Customer accounts in the storefront (seed 003 "Cuentas de clientes").
accounts-title = Customer accounts
accounts-lead = Choose whether customers can sign in or create an account in your store, and whether they need one to buy.
accounts-legend = Storefront sign-in
accounts-default = Customer accounts are disabled by default.
accounts-what = With an account, customers see their order history and order statuses, keep several delivery addresses, fill in shipping and billing details faster at checkout, and can edit their own details, e-mail included.
accounts-read-only = Only the store owner can change this setting.
accounts-settings-hint = Decide whether customers cannot sign in, may choose between an account and guest checkout, or need an account to buy.
login-mode-disabled = Disabled
login-mode-disabled-help = Customers see no option to sign in or create an account: everyone checks out as a guest.
login-mode-optional = Optional
login-mode-optional-help = Customers can create an account and sign in, or check out as a guest. After a guest checkout they are offered an account, with no obligation. Anyone who already has an account must sign in to pay.
login-mode-required = Required
login-mode-required-help = Only customers who already have an account, or for whom you created one, can buy. The catalogue stays visible to everyone; checkout asks them to sign in. Useful for wholesale or members-only stores.
flash-accounts-saved = Customer account setting saved.
error-login-mode = Choose one of the three options: Disabled, Optional or Required.
audit-settings-storefront_login = Storefront sign-in changed
