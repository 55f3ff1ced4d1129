# Grupos de clientes (seed 002), precios por grupo, descuentos personales, opciones de crédito.
groups-title = Grupos de clientes
groups-lead = Agrupa a tus clientes (mayoristas, minoristas, clientes de España…) para darles sus propios precios y descuentos.
groups-help = Los grupos de clientes son lo que otras tiendas llaman «Categorías» de clientes: un cliente pertenece como máximo a un grupo.
groups-empty = Todavía no hay grupos. Crea el primero con «Nuevo grupo».
group-new = Nuevo grupo
group-edit = Editar grupo
group-delete = Borrar
group-delete-title = ¿Borrar el grupo «{ $name }»?
group-delete-members = { $count ->
    [0] El grupo no tiene clientes.
    [one] El grupo tiene { $n } cliente: quedará sin grupo.
   *[other] El grupo tiene { $n } clientes: quedarán sin grupo.
}
group-delete-prices = Los precios propios del grupo se eliminan. Los pedidos ya hechos no cambian.
group-none = Sin grupo
group-prices = Precios del grupo
group-prices-help = Deja vacío un precio para que el grupo pague el precio de lista menos su descuento por defecto.
group-prices-save = Guardar precios
group-price-for = Precio del grupo para { $product }
group-discount-is = descuento del grupo { $percent }
field-group = Grupo de clientes
field-group-help = Un cliente pertenece como máximo a un grupo.
field-group-name = Nombre
field-group-discount = Descuento por defecto (%)
field-group-discount-help = Se aplica a los productos que no tienen precio propio del grupo. Entre 0 y 100, con dos decimales como máximo.
col-customers = Clientes
col-list-price = Precio de lista
col-group-price = Precio del grupo
col-due = Vencimiento
col-owed = Pendiente
customers-count = { $count ->
    [one] { $n } cliente
   *[other] { $n } clientes
}
products-empty = No hay productos activos.
filter-group = Grupo
chip-group = Grupo: { $value }
customer-pricing = Grupo y descuento personal
customer-pricing-managers = Solo el propietario y los gerentes cambian el grupo y el descuento personal.
field-discount-kind = Descuento personal
field-discount-value = Valor del descuento
field-discount-help = Monetario: importe que se descuenta de cada unidad. Porcentaje: entre 0 y 100.
field-personal-discount = Descuento personal
discount-none = Ninguno
discount-amount = Monetario
discount-percent = Porcentaje
discount-amount-each = { $amount } menos por unidad
section-pricing = Precios
pricing-rule = Cómo se calcula el precio: se parte del precio de lista; si el grupo tiene precio propio para el producto, ese precio lo sustituye; si no, se resta el descuento por defecto del grupo; después se resta el descuento personal (porcentaje, o importe por unidad), sin bajar nunca de cero. Cada porcentaje se redondea al céntimo (las mitades hacia arriba).
pricing-sample = Producto de ejemplo
pricing-compute = Calcular
pricing-step-list = Precio de lista
pricing-step-group-price = Precio del grupo
pricing-step-group-discount = Descuento del grupo
pricing-step-personal = Descuento personal
pricing-step-final = Precio para este cliente
bulk-group-label = Asignar a grupo
bulk-group-submit = Asignar
bulk-all-matching = Todos los clientes de esta vista
bulk-all-matching-n = { $count ->
    [one] El cliente de esta vista
   *[other] Los { $n } clientes de esta vista
}
bulk-select = Seleccionar a { $name }
bulk-group-title = Asignar grupo
bulk-group-confirm = { $count ->
    [one] ¿Poner { $n } cliente en el grupo «{ $group }»?
   *[other] ¿Poner { $n } clientes en el grupo «{ $group }»?
}
bulk-group-confirm-none = { $count ->
    [one] ¿Quitar a { $n } cliente de su grupo?
   *[other] ¿Quitar a { $n } clientes de su grupo?
}
bulk-group-none = No hay ningún cliente seleccionado.
bulk-group-apply = Confirmar
bulk-group-count-changed = El número de clientes ha cambiado desde que lo viste. Revisa la cifra y confirma de nuevo.
flash-group-created = Grupo creado.
flash-group-saved = Grupo guardado.
flash-group-deleted = Grupo borrado; sus clientes han quedado sin grupo.
flash-group-prices-saved = Precios del grupo guardados.
flash-group-assigned = Grupo asignado.
error-group-name-required = Escribe un nombre para el grupo.
error-group-name-taken = Ya existe un grupo con ese nombre.
error-group-unknown = Ese grupo no existe.
error-percent-range = El porcentaje debe estar entre 0 y 100.
error-percent-invalid = Escribe un porcentaje como 10 o 12,5.
error-amount-negative = El importe no puede ser negativo.
error-discount-kind = Elige un tipo de descuento.
error-product-unknown = Ese producto no existe o no está activo.
error-selection-too-large = Demasiados clientes seleccionados a la vez.
# Opciones de crédito (B2B)
credit-options-menu-entry = Ver opciones de crédito
credit-options-title = Opciones de crédito
credit-options-lead = Compras a crédito (B2B): un límite de crédito y un plazo de pago para los pedidos a cuenta.
credit-options-empty = Este cliente no tiene opciones de crédito.
section-credit-options = Opciones de crédito
credit-option-add = Agregar opción
credit-option-add-submit = Agregar
credit-option-heading = Crédito en { $currency }
credit-option-currency = Moneda
credit-option-limit = Límite de crédito
credit-option-terms = Plazo de pago (días)
credit-option-terms-help = Entre 0 y 365 días desde el pedido.
credit-option-active = Activa
credit-option-inactive = Inactiva
credit-option-block-overdue = Rechazar pedidos nuevos mientras haya facturas vencidas
credit-option-outstanding = Pendiente de pago
credit-option-overdue = Vencido
credit-option-available = Disponible
flash-credit-option-added = Opción de crédito agregada.
flash-credit-option-saved = Opción de crédito guardada.
error-credit-option-exists = Este cliente ya tiene una opción de crédito en esa moneda.
error-currency-invalid = Escribe un código de moneda de tres letras, como EUR.
error-terms-days = El plazo debe ser un número de días entre 0 y 365.
payment-on_account = A crédito (a cuenta)
invoice-state = Factura
invoice-open = Pendiente de pago
invoice-settle = Registrar pago
invoice-settled-on = Pagada el { $date }
flash-order-settled = Pago registrado.
# Pedidos creados en el panel
order-new = Nuevo pedido
order-new-lead = Cada línea se calcula con los precios del cliente: su grupo y su descuento personal.
order-preview = Calcular
order-create = Crear pedido
flash-order-created = Pedido creado.
error-order-empty = Añade al menos un producto.
error-quantity = La cantidad debe ser un número entero entre 1 y 10 000.
error-order-currencies = Todos los productos de un pedido deben tener la misma moneda.
error-payment-method = Elige una forma de pago.
order-refused-no-option = Este cliente no tiene una opción de crédito activa en la moneda del pedido: no puede comprar a crédito.
order-refused-limit = Rechazado: el pedido ({ $order }) más lo pendiente de pago ({ $outstanding }) supera el límite de crédito ({ $limit }).
order-refused-overdue = { $count ->
    [one] Rechazado: el cliente tiene { $n } factura vencida.
   *[other] Rechazado: el cliente tiene { $n } facturas vencidas.
}
audit-group-create = Grupo creado
audit-group-update = Grupo modificado
audit-group-delete = Grupo borrado
audit-group-price = Precio del grupo cambiado
audit-group-assign = Clientes asignados a un grupo
audit-order-create = Pedido creado en el panel
audit-order-settle = Pago de factura registrado
audit-customer-credit-option-add = Opción de crédito agregada
audit-customer-credit-option-update = Opción de crédito modificada
