# Correos a los clientes. Cada mensaje tiene -subject y -body.
mail-password-reset-subject = Restablece tu contraseña
mail-password-reset-body =
    Hola, { $name }:

    Alguien (esperamos que tú) pidió una contraseña nueva para tu cuenta. Abre este enlace para elegirla:

    { $link }

    El enlace funciona una sola vez, durante { $hours ->
        [one] una hora
       *[other] { $hours } horas
    }. Si no lo pediste, ignora este mensaje: tu contraseña no cambia.
mail-email-confirm-subject = Confirma tu correo electrónico
mail-email-confirm-body =
    Hola, { $name }:

    Gracias por crear tu cuenta. Abre este enlace para confirmar tu correo; los pedidos que hiciste antes como invitado con este correo aparecerán en tu cuenta:

    { $link }

    El enlace funciona una sola vez, durante { $hours } horas.
mail-email-change-subject = Confirma tu nuevo correo electrónico
mail-email-change-body =
    Hola, { $name }:

    Pediste usar esta dirección en tu cuenta. Abre este enlace para confirmarla; hasta entonces tu cuenta conserva el correo actual:

    { $link }

    El enlace funciona una sola vez, durante { $hours } horas. Si no lo pediste, ignora este mensaje.
mail-email-change-notice-subject = Tu correo electrónico va a cambiar
mail-email-change-notice-body =
    Hola, { $name }:

    Desde tu cuenta se pidió cambiar el correo a { $email }. Solo cambiará cuando se abra el enlace que enviamos a esa dirección.

    Si no fuiste tú, cambia tu contraseña ahora.
mail-order-status-subject = Tu pedido { $number } está ahora: { $status }
mail-order-status-body =
    Hola, { $name }:

    Tu pedido { $number } está ahora: { $status }.
    Total del pedido: { $total }.

    Gracias por comprar con nosotros.
mail-order-internal-subject = Pedido { $number }: { $from } → { $status }
mail-order-internal-body =
    El pedido { $number } de { $name } pasó de «{ $from }» a «{ $status }».
    Total del pedido: { $total }.
