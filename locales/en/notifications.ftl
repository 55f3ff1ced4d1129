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
notifications-log-title = Notifications log
notifications-log-lead = Every e-mail the shop queued, newest first: sent, waiting to be sent (retried with growing pauses) or given up. "Resend" sends a copy again.
notifications-log-link = Notifications log
notifications-log-all = All
notifications-status-pending = Pending
notifications-status-sent = Sent
notifications-status-failed = Failed
notifications-log-empty = No e-mails yet.
notifications-log-created = Queued
notifications-log-to = To
notifications-log-subject = Subject
notifications-log-state = State
notifications-log-actions = Actions
notifications-log-attempts = { $count ->
    [one] { $n } attempt
   *[other] { $n } attempts
}
notifications-log-older = Older e-mails
notifications-resend = Resend
flash-notification-resent = A copy of the e-mail is on its way.
flash-notification-not-resent = This e-mail cannot be sent again (a link to an account is single-use: the customer asks for a new one).
