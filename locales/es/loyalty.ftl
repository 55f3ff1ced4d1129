# Programa de fidelidad (seed 004)
nav-loyalty = Fidelidad
section-loyalty = Programa de fidelidad
loyalty-on-card = Puntos de fidelidad
points-count = { $count ->
    [one] { $n } punto
   *[other] { $n } puntos
}
filter-points-yes = Con puntos
chip-points = Con puntos de fidelidad

loyalty-tab-overview = Resumen
loyalty-tab-exchanges = Canjes
loyalty-tab-rewards = Recompensas
loyalty-tab-reviews = Reseñas
loyalty-tab-settings = Configuración

loyalty-disabled-notice = El programa de fidelidad está desactivado: los clientes no ganan puntos ni los canjean por productos. Puedes seguir sumando y restando puntos a mano.
loyalty-configure = Configurar el programa
loyalty-balance = Puntos actuales
loyalty-held = Puntos retenidos en canjes
loyalty-balance-help = Los puntos retenidos por canjes pendientes no cuentan en los puntos actuales; vuelven al cliente si el canje se rechaza.
loyalty-manage = Gestionar puntos
loyalty-points = Cantidad de puntos
loyalty-direction = Operación
loyalty-direction-add = Sumar puntos
loyalty-direction-subtract = Restar puntos
loyalty-reason = Motivo
loyalty-manage-help = El cambio queda en el historial de operaciones. Al cliente no se le envía nada y no cambia ninguna configuración.
loyalty-manage-save = Guardar cambios

loyalty-exchanges = Pedidos de canje de puntos
loyalty-exchanges-lead = Los clientes canjean puntos por productos; los puntos quedan retenidos hasta que decidas.
loyalty-exchanges-empty = No hay pedidos de canje.
loyalty-exchanges-pending = { $count ->
    [one] Pendiente ({ $n })
   *[other] Pendientes ({ $n })
}
loyalty-exchanges-pending-empty = Ningún canje espera tu aceptación.
loyalty-exchanges-decided = Resueltos recientemente
loyalty-reward = Recompensa
loyalty-exchange-place = Crear pedido de canje
loyalty-stock = { $count ->
    [one] { $n } en stock
   *[other] { $n } en stock
}
exchange-accept = Aceptar
exchange-reject = Rechazar
exchange-status-pending = Pendiente
exchange-status-accepted = Aceptado
exchange-status-rejected = Rechazado

loyalty-history = Historial de operaciones
loyalty-history-empty = Todavía no hay operaciones con puntos.
loyalty-col-date = Fecha
loyalty-col-operation = Operación
loyalty-col-points = Puntos
loyalty-col-actor = Hecho por
loyalty-col-cause = Referencia
loyalty-col-balance-after = Saldo después
loyalty-col-customer = Cliente
loyalty-col-reward = Producto
loyalty-col-status = Estado
loyalty-col-decided = Resuelto
loyalty-col-earned = Puntos ganados
loyalty-col-list-price = Precio de lista
loyalty-col-stock = Stock
loyalty-col-offered = Disponible
loyalty-cause-order = Pedido { $number }
loyalty-cause-exchange = Canje n.º { $number }
loyalty-cause-review = Reseña n.º { $number }
loyalty-reversal-shortfall = (el cliente ya había usado parte de los puntos; se restó lo que tenía)
loyalty-kind-earn_order = Puntos por compra
loyalty-kind-earn_newsletter = Puntos por suscribirse al boletín
loyalty-kind-earn_review = Puntos por reseña de producto
loyalty-kind-spend = Puntos usados para pagar un pedido
loyalty-kind-unspend = Puntos devueltos de un pedido cancelado
loyalty-kind-merge_in = Puntos traídos de pedidos anteriores como invitado
loyalty-kind-merge_out = Puntos pasados a la cuenta del cliente
loyalty-kind-manual_add = Puntos sumados por el administrador
loyalty-kind-manual_subtract = Puntos restados por el administrador
loyalty-kind-hold = Puntos retenidos (pedido de canje)
loyalty-kind-release = Puntos devueltos (canje rechazado)
loyalty-kind-redeem = Canje aceptado
loyalty-kind-reversal = Puntos anulados (cancelación o devolución)
loyalty-kind-expiry = Puntos caducados

loyalty-reviews = Reseñas de productos
loyalty-reviews-empty = El cliente todavía no ha escrito reseñas.
review-add = Registrar una reseña del cliente
review-product = Producto
review-rating-label = Valoración
review-rating = { $count ->
    [one] { $n } estrella
   *[other] { $n } estrellas
}
review-body = Texto de la reseña
review-add-help = La reseña queda pendiente de aprobación; los puntos por reseña se otorgan al aprobarla.
review-save = Guardar reseña
review-approve = Aprobar
review-reject = Rechazar
review-status-pending = Pendiente de aprobación
review-status-approved = Aprobada
review-status-rejected = Rechazada
reviews-lead-award = { $count ->
    [one] Cada reseña aprobada da { $n } punto al cliente.
   *[other] Cada reseña aprobada da { $n } puntos al cliente.
}
reviews-lead-no-award = Ahora el programa no da puntos por reseñas.
reviews-pending = { $count ->
    [one] Pendiente de aprobación ({ $n })
   *[other] Pendientes de aprobación ({ $n })
}
reviews-pending-empty = Ninguna reseña espera aprobación.
reviews-decided = Resueltas recientemente
reviews-decided-empty = No hay reseñas resueltas.

loyalty-rewards = Recompensas por puntos
loyalty-rewards-lead = Productos que los clientes pueden obtener a cambio de puntos.
loyalty-rewards-none = Todavía no hay productos canjeables por puntos.
loyalty-offered = Disponible
loyalty-reward-add = Agregar recompensa
loyalty-reward-points = Precio en puntos
loyalty-reward-stock = Stock
loyalty-reward-save = Agregar recompensa
loyalty-reward-no-products = Todos los productos ya son recompensas.

loyalty-settings-title = Configuración del programa de fidelidad
loyalty-settings-lead = Por qué ganan puntos los clientes y cuándo.
loyalty-settings-enabled = Programa de fidelidad activado
loyalty-settings-enabled-help = Desactivado, el programa no da puntos ni acepta pedidos de canje.
loyalty-settings-purchases = Puntos por compras
loyalty-settings-rate = Puntos por cada unidad de moneda
loyalty-settings-rate-help = Por ejemplo, 1 es 1 punto por cada 1 € gastado; 0,5 es 1 punto por cada 2 €. Se calcula sobre lo que el cliente pagó de verdad, sin envío y sin la parte pagada con créditos de tienda o puntos; se redondea hacia abajo.
loyalty-settings-status = Dar los puntos cuando el pedido llegue al estado
loyalty-settings-status-help = Cancelar el pedido anula sus puntos; una devolución parcial los anula en proporción.
loyalty-settings-scope = Productos que dan puntos
loyalty-settings-scope-all = Todos los productos
loyalty-settings-scope-selected = Solo los productos elegidos
loyalty-settings-products = Productos elegidos
loyalty-settings-products-help = Se usan cuando solo dan puntos los productos elegidos.
loyalty-settings-other = Otras recompensas
loyalty-settings-newsletter = Puntos por suscribirse al boletín
loyalty-settings-review = Puntos por una reseña de producto aprobada
loyalty-settings-awards-help = Vacío o 0: sin recompensa. Los puntos del boletín se dan una sola vez por cliente.
loyalty-settings-expiry = Caducidad de los puntos (días sin ganar puntos)
loyalty-settings-expiry-help = Vacío: los puntos no caducan.
loyalty-settings-save = Guardar configuración

loyalty-overview-title = Programa de fidelidad
loyalty-overview-on = El programa está activado.
loyalty-outstanding = Puntos en las cuentas de los clientes
loyalty-pending-exchanges = Canjes por resolver
loyalty-earned-12 = Ganados en los últimos 12 meses
loyalty-redeemed-12 = Canjeados en los últimos 12 meses
loyalty-chart-earned = Puntos ganados por mes
loyalty-chart-redeemed = Puntos canjeados por mes
loyalty-chart-empty = No hay puntos en este periodo.
loyalty-top-earners = Clientes que más puntos han ganado
loyalty-top-empty = Nadie ha ganado puntos todavía.

flash-points-saved = Guardado. Los puntos se actualizaron.
flash-exchange-placed = Pedido de canje creado; los puntos quedan retenidos.
flash-exchange-accepted = Canje aceptado; se creó el pedido del producto.
flash-exchange-rejected = Canje rechazado; los puntos volvieron al cliente.
flash-review-added = Reseña guardada; pendiente de aprobación.
flash-review-approved = Reseña aprobada.
flash-review-rejected = Reseña rechazada.
flash-reward-added = Recompensa agregada.
flash-reward-saved = Recompensa guardada.
flash-loyalty-settings = Configuración del programa de fidelidad guardada.

loyalty-error-invalid = Revisa los campos marcados.
loyalty-error-insufficient = El cliente no tiene tantos puntos. No se cambió nada.
loyalty-error-disabled = El programa de fidelidad está desactivado.
loyalty-error-unavailable = Esta recompensa no está disponible o está agotada.
loyalty-error-decided = Otra persona ya lo resolvió.
loyalty-error-key-reused = Este formulario ya se usó para otra operación. Recarga la página.
loyalty-error-not-found = No encontrado.
loyalty-error-server = No se pudo guardar. Inténtalo de nuevo.
loyalty-error-points-whole = Escribe un número entero, solo cifras.
loyalty-error-points-positive = Escribe un número mayor que cero.
loyalty-error-points-too-many = Como máximo 10.000.000 puntos de una vez.
loyalty-error-direction = Elige si sumar o restar puntos.
loyalty-error-rate = Escribe un número de 0 a 1000, con dos decimales como mucho.
loyalty-error-status = Elige un estado de la lista.
loyalty-error-products = Elige productos de la lista.
loyalty-error-products-none = Elige al menos un producto o da puntos por todos.
loyalty-error-product = Elige un producto de la lista.
loyalty-error-rating = Elige una valoración de 1 a 5.
loyalty-error-reward = Elige una recompensa de la lista.
loyalty-error-reward-exists = Este producto ya es una recompensa.
loyalty-error-stock = Escribe un stock de 0 a 1.000.000.

# Líneas de la cronología (entradas de auditoría del cliente)
audit-loyalty-earn_order = Puntos de fidelidad ganados con un pedido
audit-loyalty-earn_newsletter = Puntos de fidelidad por suscribirse al boletín
audit-loyalty-earn_review = Puntos de fidelidad por una reseña
audit-loyalty-spend = Puntos de fidelidad usados para pagar un pedido
audit-loyalty-unspend = Puntos de fidelidad devueltos de un pedido cancelado
audit-loyalty-merge_in = Puntos de fidelidad traídos de los pedidos como invitado del mismo correo
audit-loyalty-merge_out = Puntos de fidelidad pasados a la cuenta de cliente del mismo correo
audit-loyalty-manual_add = Puntos de fidelidad sumados por el equipo
audit-loyalty-manual_subtract = Puntos de fidelidad restados por el equipo
audit-loyalty-hold = Puntos retenidos por un pedido de canje
audit-loyalty-release = Puntos retenidos devueltos
audit-loyalty-redeem = Pedido de canje aceptado
audit-loyalty-reversal = Puntos de fidelidad anulados
audit-loyalty-expiry = Puntos de fidelidad caducados
audit-review-add = Reseña de producto registrada
audit-review-approved = Reseña de producto aprobada
audit-review-rejected = Reseña de producto rechazada

loyalty-order-earned = Puntos de fidelidad ganados
loyalty-order-reversed = { $count ->
    [one] { $n } anulado
   *[other] { $n } anulados
}
loyalty-rewards-unaffordable = El cliente no tiene puntos suficientes para ninguna recompensa en stock.
loyalty-settings-point-value = Valor de un punto al pagar
loyalty-settings-point-value-help = Vacío: los puntos solo se canjean por recompensas. Con un valor (por ejemplo 0,01), los clientes con cuenta pueden pagar parte de un pedido con sus puntos al finalizar la compra; el total del pedido es lo que queda por pagar y solo eso suma puntos.
