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
