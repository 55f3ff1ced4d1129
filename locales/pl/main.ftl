## Układ i nawigacja
skip-to-content = Przejdź do treści
nav-main = Nawigacja główna
nav-menu = Menu
nav-dashboard = Pulpit
nav-staff = Zespół
nav-settings = Ustawienia
nav-account = Moje konto
language = Język
sign-in = Zaloguj się
sign-out = Wyloguj się
save = Zapisz
cancel = Anuluj

## Logowanie i pierwsze uruchomienie
login-title = Zaloguj się do Clienteli
login-lead = Zarządzaj klientami, zamówieniami i programem lojalnościowym sklepu w jednym miejscu.
login-refused = Adres e-mail lub hasło są nieprawidłowe. Sprawdź oba i spróbuj ponownie.
login-throttled = Zbyt wiele nieudanych prób. Dla bezpieczeństwa logowanie jest na chwilę wstrzymane; spróbuj później.
setup-title = Utwórz konto właściciela
setup-lead = To pierwsze konto Twojego sklepu. Właściciel może zapraszać zespół i zmieniać wszystkie ustawienia.
setup-submit = Utwórz konto właściciela
password-rule = Użyj co najmniej 12 znaków. Krótkie zdanie łatwo zapamiętać, a trudno odgadnąć.

## Pola formularzy
field-name = Imię i nazwisko
field-email = E-mail
field-password = Hasło
field-password-confirm = Powtórz hasło
field-current-password = Obecne hasło
field-new-password = Nowe hasło
field-role = Rola

## Błędy pól
error-required = To pole jest wymagane.
error-too-long = Ta wartość jest za długa.
error-email-invalid = Podaj poprawny adres e-mail, np. imie@przyklad.pl.
error-email-taken = Konto zespołu z tym adresem e-mail już istnieje.
error-invalid-characters = Zawiera niedozwolone znaki.
error-password-too-short = Hasło musi mieć co najmniej 12 znaków.
error-password-mismatch = Hasła nie są takie same.
error-password-wrong = Obecne hasło jest nieprawidłowe.
error-last-owner = Sklep potrzebuje co najmniej jednego aktywnego właściciela: najpierw nadaj tę rolę komuś innemu.

## Komunikaty
flash-owner-created = Witaj! Twoje konto właściciela jest gotowe.
flash-staff-created = Konto zostało utworzone.
flash-role-changed = Rola została zmieniona.
flash-staff-disabled = Konto zostało wyłączone i wylogowane na wszystkich urządzeniach.
flash-staff-enabled = Konto zostało włączone.
flash-settings-saved = Ustawienia zapisane.
flash-password-changed = Hasło zostało zmienione. Wszystkie inne sesje zostały wylogowane.

## Role
role-owner = Właściciel
role-manager = Menedżer
role-support = Obsługa klienta
role-owner-help = Wszystko, także konta zespołu i ustawienia sklepu.
role-manager-help = Wszystko poza kontami zespołu i ustawieniami sklepu.
role-support-help = Widzi klientów i edytuje ich dane kontaktowe, notatki i tagi. Bez pieniędzy i punktów.

## Pulpit
dashboard-title = Twój sklep dzisiaj
dashboard-lead = Klienci i zamówienia w skrócie.
dashboard-recent-orders = Ostatnie zamówienia
dashboard-orders-by-status = Zamówienia według statusu
dashboard-no-orders = Nie ma jeszcze zamówień. Pojawią się tutaj, gdy tylko klienci zaczną kupować.
stat-customers = Klienci
stat-registered-guests = { $count ->
    [one] { $n } zarejestrowany
    [few] { $n } zarejestrowanych
    [many] { $n } zarejestrowanych
   *[other] { $n } zarejestrowanego
}
stat-guests = { $count ->
    [one] { $n } gość
    [few] { $n } gości
    [many] { $n } gości
   *[other] { $n } gościa
}
stat-new-customers = Nowi klienci
stat-last-30-days = W ostatnich 30 dniach
stat-orders = Zamówienia
stat-orders-30d = { $count ->
    [one] { $n } w ostatnich 30 dniach
   *[other] { $n } w ostatnich 30 dniach
}
stat-revenue = Sprzedaż
stat-revenue-note = Wszystkie zamówienia poza anulowanymi, w podziale na waluty
orders-count = { $count ->
    [one] { $count } zamówienie
    [few] { $count } zamówienia
    [many] { $count } zamówień
   *[other] { $count } zamówienia
}
col-order = Zamówienie
col-customer = Klient
col-date = Data
col-status = Status
col-total = Suma
col-state = Stan
col-created = Utworzono
col-actions = Akcje

## Statusy zamówień
order-status-pending = Oczekujące
order-status-paid = Opłacone
order-status-shipped = Wysłane
order-status-delivered = Dostarczone
order-status-cancelled = Anulowane

## Zespół
staff-title = Konta zespołu
staff-lead = Kto może logować się do panelu i co może robić każda osoba.
staff-new = Nowe konto zespołu
staff-new-lead = Ta osoba zaloguje się tym adresem e-mail i hasłem; poproś ją o zmianę hasła po pierwszym logowaniu.
staff-create = Utwórz konto
staff-you = Ty
staff-active = Aktywne
staff-disabled = Wyłączone
staff-disable = Wyłącz
staff-enable = Włącz
staff-change-role = Zmień
staff-roles-title = Co może każda rola

## Ustawienia
settings-title = Ustawienia sklepu
settings-lead = Ustawienia obowiązujące w całym sklepie.
settings-default-language = Język sklepu
settings-default-language-hint = Używany, gdy osoba nie wybrała języka, a jej przeglądarka nie prosi o żaden z naszych.

## Moje konto
account-title = Moje konto
account-password-title = Zmiana hasła
account-password-lead = Zmiana hasła wyloguje Cię na wszystkich innych urządzeniach.
account-password-submit = Zmień hasło

## Strony błędów
error-back-home = Wróć do pulpitu
error-400-title = Nie udało się zrozumieć żądania
error-400-text = Coś w żądaniu było nieprawidłowe. Wróć i spróbuj ponownie.
error-403-title = Nie masz dostępu do tej strony
error-403-text = Twoja rola na to nie pozwala albo formularz wygasł. Odśwież stronę i spróbuj ponownie; jeśli potrzebujesz dostępu, poproś właściciela sklepu.
error-404-title = Nie znaleziono strony
error-404-text = Strona, której szukasz, nie istnieje lub została usunięta.
error-413-title = Za dużo danych
error-413-text = Przesłane dane przekraczają dozwolony rozmiar.
error-422-title = Niektóre dane są nieprawidłowe
error-422-text = Sprawdź formularz i spróbuj ponownie.
error-429-title = Zbyt wiele żądań
error-429-text = Poczekaj chwilę i spróbuj ponownie.
error-500-title = Coś poszło nie tak po naszej stronie
error-500-text = Błąd został zapisany. Spróbuj ponownie za chwilę; nic nie zostało zmienione.
error-503-title = Chwilowo niedostępne
error-503-text = Baza danych sklepu teraz nie odpowiada. Spróbuj ponownie za chwilę.
error-507-title = Dysk sklepu jest pełny
error-507-text = Nic nie zostało zapisane: na serwerze skończyło się miejsce na dysku. Poproś administratora o zwolnienie miejsca i spróbuj ponownie.
