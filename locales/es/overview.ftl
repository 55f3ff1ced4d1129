## Resumen de clientes
overview-link = Resumen
overview-title = Resumen de clientes
overview-lead = Quién compra más y quién vuelve a comprar.
overview-stat-buyers = Clientes con pedidos
overview-stat-buyers-note = { $count ->
    [one] De { $n } cliente en total
   *[other] De { $n } clientes en total
}
overview-stat-returning = Clientes que repiten
overview-stat-returning-note = { $count ->
    [one] { $n } cliente ha pedido más de una vez
   *[other] { $n } clientes han pedido más de una vez
}
overview-no-buyers = Aún no hay pedidos.
overview-stat-best = Mejor cliente
overview-stat-created = Clientes nuevos
overview-last-12-months = En los últimos 12 meses
overview-top-title = Los 10 clientes que más han gastado
overview-top-empty = Aún no hay clientes con compras. Los que más gasten aparecerán aquí.
overview-col-rank = Puesto
overview-terms-title = Qué contamos
overview-new-buyers = Nuevos
overview-new-buyers-help = Clientes que hicieron su primer pedido ese mes.
overview-returning-buyers = Recurrentes
overview-returning-buyers-help = Clientes que pidieron ese mes y ya habían pedido antes. Un cliente repite cuando tiene dos pedidos o más.
overview-spent-help = La suma de sus pedidos en { $currency }, sin los cancelados.
overview-buyers-title = Compradores nuevos y recurrentes por mes
overview-buyers-desc = Cada cliente cuenta una vez en cada mes en el que hizo algún pedido, durante los últimos 12 meses.
overview-buyers-empty = No hubo pedidos en los últimos 12 meses.
overview-show-data = Ver los datos
overview-col-month = Mes
overview-created-title = Clientes creados por mes
overview-created-desc = { $count ->
    [one] { $n } cliente creado en los últimos 12 meses
   *[other] { $n } clientes creados en los últimos 12 meses
}
overview-created-empty = No se ha creado ningún cliente en los últimos 12 meses.
overview-col-created = Clientes creados
