# E-mail sent to customers. Each message has a -subject and a -body.
mail-password-reset-subject = Reset your password
mail-password-reset-body =
    Hello { $name },

    Someone (we hope you) asked to set a new password for your account. Open this link to choose it:

    { $link }

    The link works once, for { $hours ->
        [one] one hour
       *[other] { $hours } hours
    }. If you did not ask for it, ignore this message: your password stays as it is.
mail-email-confirm-subject = Confirm your e-mail
mail-email-confirm-body =
    Hello { $name },

    Thank you for creating your account. Open this link to confirm your e-mail; orders you placed earlier as a guest with this e-mail then appear in your account:

    { $link }

    The link works once, for { $hours } hours.
mail-email-change-subject = Confirm your new e-mail
mail-email-change-body =
    Hello { $name },

    You asked to use this address for your account. Open this link to confirm it; until then your account keeps its current e-mail:

    { $link }

    The link works once, for { $hours } hours. If you did not ask for it, ignore this message.
mail-email-change-notice-subject = Your e-mail is about to change
mail-email-change-notice-body =
    Hello { $name },

    Someone signed in to your account asked to change its e-mail to { $email }. It changes only when the link we sent to that address is opened.

    If it was not you, change your password now.
mail-order-status-subject = Your order { $number } is now: { $status }
mail-order-status-body =
    Hello { $name },

    Your order { $number } is now: { $status }.
    Order total: { $total }.

    Thank you for shopping with us.
mail-order-internal-subject = Order { $number }: { $from } → { $status }
mail-order-internal-body =
    Order { $number } of { $name } changed from "{ $from }" to "{ $status }".
    Order total: { $total }.
