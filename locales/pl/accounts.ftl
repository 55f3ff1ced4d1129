# Customer accounts in the storefront (seed 003 "Cuentas de clientes").
accounts-title = Konta klientów
accounts-lead = Zdecyduj, czy klienci mogą logować się i zakładać konto w Twoim sklepie oraz czy potrzebują konta, aby kupić.
accounts-legend = Logowanie w sklepie
accounts-default = Konta klientów są domyślnie wyłączone.
accounts-what = Z kontem klienci widzą historię i status swoich zamówień, zapisują kilka adresów dostawy, szybciej podają dane do wysyłki i faktury przy zamówieniu oraz mogą edytować swoje dane, także adres e-mail.
accounts-read-only = Tylko właściciel sklepu może zmienić to ustawienie.
accounts-settings-hint = Zdecyduj, czy klienci nie mogą się logować, mogą kupować z kontem lub jako goście, czy muszą mieć konto, aby kupić.
login-mode-disabled = Wyłączone
login-mode-disabled-help = Klienci nie zobaczą opcji logowania ani zakładania konta: wszyscy kupują jako goście.
login-mode-optional = Opcjonalne
login-mode-optional-help = Klienci mogą założyć konto i się zalogować albo kupić jako gość. Po zakupie jako gość dostają propozycję założenia konta, bez obowiązku. Kto ma już konto, musi się zalogować, aby zapłacić.
login-mode-required = Wymagane
login-mode-required-help = Kupować mogą tylko klienci, którzy mają już konto lub dla których sklep je założył. Katalog pozostaje widoczny dla wszystkich; przy płatności sklep prosi o zalogowanie. Przydatne w sklepach hurtowych i sklepach tylko dla członków.
flash-accounts-saved = Zapisano ustawienie kont klientów.
error-login-mode = Wybierz jedną z trzech opcji: Wyłączone, Opcjonalne lub Wymagane.
audit-settings-storefront_login = Zmieniono logowanie w sklepie
