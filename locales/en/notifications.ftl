# Order e-mails: settings in the panel.
notifications-title = Notifications
notifications-lead = E-mails the shop sends when an order changes status: to the customer, and to your team.
notifications-settings-hint = Which order status changes e-mail the customer, and who in your team is told of every change.
notifications-customer = E-mail the customer when their order becomes
notifications-customer-help = Each ticked status sends the customer one e-mail, in their language, with the order and its new status.
notifications-internal = Internal notifications: recipients
notifications-internal-help = One address per line (up to 10). Each gets one e-mail per status change of any order, in the store's language. Change the addresses here ("Change recipient e-mail"); leave it empty to send none.
notifications-save = Save notifications
notifications-error-status = Unknown order status.
notifications-error-recipient = One of the addresses is not a valid e-mail.
notifications-error-too-many = At most 10 recipients.
flash-notifications-saved = Notifications saved.
