# Customer accounts in the storefront (seed 003 "Cuentas de clientes").
accounts-title = Cuentas de clientes
accounts-lead = Elige si los clientes pueden iniciar sesión o crear una cuenta en tu tienda, y si necesitan una para comprar.
accounts-legend = Inicio de sesión en la tienda
accounts-default = Las cuentas de clientes están desactivadas por defecto.
accounts-what = Con una cuenta, los clientes ven su historial y el estado de sus pedidos, guardan varias direcciones de entrega, rellenan sus datos de envío y facturación más rápido al pagar y pueden editar su información, correo incluido.
accounts-read-only = Solo el propietario de la tienda puede cambiar este ajuste.
accounts-settings-hint = Decide si los clientes no pueden iniciar sesión, pueden elegir entre una cuenta y comprar como visitantes, o necesitan una cuenta para comprar.
login-mode-disabled = Deshabilitado
login-mode-disabled-help = Los clientes no verán la opción de iniciar sesión ni de crear una cuenta: todos compran como visitantes.
login-mode-optional = Opcional
login-mode-optional-help = Los clientes pueden crear una cuenta e iniciar sesión o comprar como visitantes. Tras comprar como visitante se les ofrece crear una cuenta, sin obligación. Quien ya tiene una cuenta debe iniciar sesión para pagar.
login-mode-required = Requerido
login-mode-required-help = Solo pueden comprar los clientes que ya tienen una cuenta o a quienes tú se la creaste. El catálogo sigue a la vista de todos; al pagar se pide iniciar sesión. Útil para tiendas mayoristas o exclusivas para miembros.
flash-accounts-saved = Ajuste de cuentas de clientes guardado.
error-login-mode = Elige una de las tres opciones: Deshabilitado, Opcional o Requerido.
audit-settings-storefront_login = Inicio de sesión en la tienda cambiado
