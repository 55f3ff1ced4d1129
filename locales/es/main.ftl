## Diseño y navegación
skip-to-content = Saltar al contenido
nav-main = Navegación principal
nav-menu = Menú
nav-dashboard = Panel
nav-staff = Equipo
nav-settings = Configuración
nav-account = Mi cuenta
language = Idioma
sign-in = Iniciar sesión
sign-out = Cerrar sesión
save = Guardar
cancel = Cancelar

## Inicio de sesión y configuración inicial
login-title = Inicia sesión en Clientela
login-lead = Gestiona los clientes, pedidos y fidelización de tu tienda en un solo lugar.
login-refused = El correo o la contraseña no son correctos. Revisa ambos e inténtalo de nuevo.
login-throttled = Demasiados intentos fallidos. Por tu seguridad, el inicio de sesión queda en pausa un rato; inténtalo más tarde.
setup-title = Crea la cuenta de propietario
setup-lead = Es la primera cuenta de tu tienda. El propietario puede invitar al equipo y cambiar toda la configuración.
setup-submit = Crear cuenta de propietario
password-rule = Usa al menos 12 caracteres. Una frase corta es fácil de recordar y difícil de adivinar.

## Campos de formulario
field-name = Nombre completo
field-email = Correo electrónico
field-password = Contraseña
field-password-confirm = Repite la contraseña
field-current-password = Contraseña actual
field-new-password = Nueva contraseña
field-role = Rol

## Errores de campo
error-required = Este campo es obligatorio.
error-too-long = Es demasiado largo.
error-email-invalid = Introduce un correo electrónico válido, como nombre@ejemplo.com.
error-email-taken = Ya existe una cuenta del equipo con este correo.
error-invalid-characters = Contiene caracteres no permitidos.
error-password-too-short = La contraseña debe tener al menos 12 caracteres.
error-password-mismatch = Las dos contraseñas no coinciden.
error-password-wrong = La contraseña actual no es correcta.
error-last-owner = La tienda necesita al menos un propietario activo: nombra antes a otra persona propietaria.

## Mensajes
flash-owner-created = ¡Bienvenido! Tu cuenta de propietario está lista.
flash-staff-created = Se ha creado la cuenta.
flash-role-changed = Se ha cambiado el rol.
flash-staff-disabled = La cuenta se ha desactivado y se ha cerrado su sesión en todos los dispositivos.
flash-staff-enabled = La cuenta se ha activado.
flash-settings-saved = Configuración guardada.
flash-password-changed = Tu contraseña se ha cambiado. Se han cerrado todas las demás sesiones.

## Roles
role-owner = Propietario
role-manager = Gerente
role-support = Atención al cliente
role-owner-help = Todo, incluidas las cuentas del equipo y la configuración de la tienda.
role-manager-help = Todo salvo las cuentas del equipo y la configuración de la tienda.
role-support-help = Ve a los clientes y edita sus datos de contacto, notas y etiquetas. Sin dinero ni puntos.

## Panel
dashboard-title = Tu tienda hoy
dashboard-lead = Clientes y pedidos de un vistazo.
dashboard-recent-orders = Últimos pedidos
dashboard-orders-by-status = Pedidos por estado
dashboard-no-orders = Aún no hay pedidos. Aparecerán aquí en cuanto los clientes compren.
stat-customers = Clientes
stat-registered-guests = { $count ->
    [one] { $n } registrado
   *[other] { $n } registrados
}
stat-guests = { $count ->
    [one] { $n } invitado
   *[other] { $n } invitados
}
stat-new-customers = Clientes nuevos
stat-last-30-days = En los últimos 30 días
stat-orders = Pedidos
stat-orders-30d = { $count ->
    [one] { $n } en los últimos 30 días
   *[other] { $n } en los últimos 30 días
}
stat-revenue = Ventas
stat-revenue-note = Todos los pedidos salvo los cancelados, por moneda
orders-count = { $count ->
    [one] { $count } pedido
   *[other] { $count } pedidos
}
col-order = Pedido
col-customer = Cliente
col-date = Fecha
col-status = Estado
col-total = Total
col-state = Estado
col-created = Creado
col-actions = Acciones

## Estados de pedido
order-status-pending = Pendiente
order-status-paid = Pagado
order-status-shipped = Enviado
order-status-delivered = Entregado
order-status-cancelled = Cancelado

## Equipo
staff-title = Cuentas del equipo
staff-lead = Quién puede entrar en el panel y qué puede hacer cada persona.
staff-new = Nueva cuenta del equipo
staff-new-lead = La persona entra con este correo y esta contraseña; pídele que cambie la contraseña después.
staff-create = Crear cuenta
staff-you = tú
staff-active = Activa
staff-disabled = Desactivada
staff-disable = Desactivar
staff-enable = Activar
staff-change-role = Cambiar
staff-roles-title = Qué puede hacer cada rol

## Configuración
settings-title = Configuración de la tienda
settings-lead = Ajustes que se aplican a toda la tienda.
settings-default-language = Idioma de la tienda
settings-default-language-hint = Se usa cuando la persona no ha elegido idioma y su navegador no pide ninguno de los nuestros.

## Mi cuenta
account-title = Mi cuenta
account-password-title = Cambiar contraseña
account-password-lead = Al cambiar la contraseña se cierra tu sesión en todos los demás dispositivos.
account-password-submit = Cambiar contraseña

## Páginas de error
error-back-home = Volver al panel
error-400-title = No se ha podido entender la solicitud
error-400-text = Algo en la solicitud no era válido. Vuelve atrás e inténtalo de nuevo.
error-403-title = No tienes acceso a esta página
error-403-text = Tu rol no lo permite o el formulario ha caducado. Recarga la página e inténtalo de nuevo; pide acceso al propietario de la tienda si lo necesitas.
error-404-title = Página no encontrada
error-404-text = La página que buscas no existe o se ha eliminado.
error-413-title = Demasiados datos
error-413-text = Lo que has enviado supera el tamaño permitido.
error-422-title = Hay datos no válidos
error-422-text = Revisa el formulario e inténtalo de nuevo.
error-429-title = Demasiadas solicitudes
error-429-text = Espera un momento e inténtalo de nuevo.
error-500-title = Algo ha fallado por nuestra parte
error-500-text = Hemos registrado el error. Inténtalo de nuevo en un momento; no se ha cambiado nada.
error-503-title = No disponible temporalmente
error-503-text = La base de datos de la tienda no responde ahora mismo. Inténtalo de nuevo en un momento.
error-507-title = El disco de la tienda está lleno
error-507-text = No se ha guardado nada: el servidor se ha quedado sin espacio en disco. Pide a tu administrador que libere espacio y vuelve a intentarlo.
