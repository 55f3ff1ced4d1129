# Correos de pedidos: ajustes en el panel.
notifications-title = Notificaciones
notifications-lead = Correos que la tienda envía cuando un pedido cambia de estado: al cliente y a tu equipo.
notifications-settings-hint = Qué cambios de estado de un pedido envían un correo al cliente y quién de tu equipo recibe aviso de cada cambio.
notifications-customer = Enviar un correo al cliente cuando su pedido pase a
notifications-customer-help = Cada estado marcado envía al cliente un correo, en su idioma, con el pedido y su nuevo estado.
notifications-internal = Notificaciones internas por pedido realizado: destinatarios
notifications-internal-help = Una dirección por línea (hasta 10). Cada una recibe un correo por cada cambio de estado de cualquier pedido, en el idioma de la tienda. Cambia aquí las direcciones («Cambiar correo destinatario»); déjalo vacío para no enviar ninguno.
notifications-save = Guardar notificaciones
notifications-error-status = Estado de pedido desconocido.
notifications-error-recipient = Una de las direcciones no es un correo válido.
notifications-error-too-many = Como máximo 10 destinatarios.
flash-notifications-saved = Notificaciones guardadas.
notifications-log-title = Registro de notificaciones
notifications-log-lead = Cada correo que la tienda puso en cola, del más reciente al más antiguo: enviado, pendiente de envío (se reintenta con pausas cada vez mayores) o abandonado. «Reenviar» envía una copia.
notifications-log-link = Registro de notificaciones
notifications-log-all = Todos
notifications-status-pending = Pendiente
notifications-status-sent = Enviado
notifications-status-failed = Fallido
notifications-log-empty = Todavía no hay correos.
notifications-log-created = En cola
notifications-log-to = Para
notifications-log-subject = Asunto
notifications-log-state = Estado
notifications-log-actions = Acciones
notifications-log-attempts = { $count ->
    [one] { $n } intento
   *[other] { $n } intentos
}
notifications-log-older = Correos anteriores
notifications-resend = Reenviar
flash-notification-resent = Una copia del correo está en camino.
flash-notification-not-resent = Este correo no se puede reenviar (un enlace de cuenta es de un solo uso: el cliente pide uno nuevo).
