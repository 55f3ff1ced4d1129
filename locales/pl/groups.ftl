# Grupy klientów (seed 002), ceny grup, rabaty indywidualne, opcje kredytu.
groups-title = Grupy klientów
groups-lead = Pogrupuj klientów (hurtowi, detaliczni, klienci z Hiszpanii…), aby dać im własne ceny i rabaty.
groups-help = Grupy klientów to to, co inne sklepy nazywają „Kategoriami” klientów: klient należy najwyżej do jednej grupy.
groups-empty = Nie ma jeszcze grup. Utwórz pierwszą przyciskiem „Nowa grupa”.
group-new = Nowa grupa
group-edit = Edytuj grupę
group-delete = Usuń
group-delete-title = Usunąć grupę „{ $name }”?
group-delete-members = { $count ->
    [0] Grupa nie ma klientów.
    [one] Grupa ma { $n } klienta, który zostanie bez grupy.
    [few] Grupa ma { $n } klientów, którzy zostaną bez grupy.
    [many] Grupa ma { $n } klientów, którzy zostaną bez grupy.
   *[other] Grupa ma { $n } klienta, którzy zostaną bez grupy.
}
group-delete-prices = Własne ceny grupy zostaną usunięte. Złożone już zamówienia się nie zmienią.
group-none = Bez grupy
group-prices = Ceny grupy
group-prices-help = Zostaw cenę pustą, aby grupa płaciła cenę katalogową pomniejszoną o swój domyślny rabat.
group-prices-save = Zapisz ceny
group-price-for = Cena grupy dla { $product }
group-discount-is = rabat grupy { $percent }
field-group = Grupa klientów
field-group-help = Klient należy najwyżej do jednej grupy.
field-group-name = Nazwa
field-group-discount = Domyślny rabat (%)
field-group-discount-help = Dotyczy produktów bez własnej ceny grupy. Od 0 do 100, najwyżej dwa miejsca po przecinku.
col-customers = Klienci
col-list-price = Cena katalogowa
col-group-price = Cena grupy
col-due = Termin
col-owed = Do zapłaty
customers-count = { $count ->
    [one] { $n } klient
    [few] { $n } klientów
    [many] { $n } klientów
   *[other] { $n } klienta
}
products-empty = Brak aktywnych produktów.
filter-group = Grupa
chip-group = Grupa: { $value }
customer-pricing = Grupa i rabat indywidualny
customer-pricing-managers = Tylko właściciel i kierownicy zmieniają grupę i rabat indywidualny.
field-discount-kind = Rabat indywidualny
field-discount-value = Wartość rabatu
field-discount-help = Kwotowy: kwota odejmowana od każdej sztuki. Procentowy: od 0 do 100.
field-personal-discount = Rabat indywidualny
discount-none = Brak
discount-amount = Kwotowy
discount-percent = Procentowy
discount-amount-each = { $amount } mniej za sztukę
section-pricing = Ceny
pricing-rule = Jak liczona jest cena: punktem wyjścia jest cena katalogowa; jeśli grupa ma własną cenę produktu, ta cena ją zastępuje; w przeciwnym razie odejmowany jest domyślny rabat grupy; następnie odejmowany jest rabat indywidualny (procent albo kwota za sztukę), nigdy poniżej zera. Każdy procent zaokrąglany jest do grosza (połówki w górę).
pricing-sample = Przykładowy produkt
pricing-compute = Oblicz
pricing-step-list = Cena katalogowa
pricing-step-group-price = Cena grupy
pricing-step-group-discount = Rabat grupy
pricing-step-personal = Rabat indywidualny
pricing-step-final = Cena dla tego klienta
bulk-group-label = Przypisz do grupy
bulk-group-submit = Przypisz
bulk-all-matching = Wszyscy klienci z tego widoku
bulk-all-matching-n = { $count ->
    [one] Klient z tego widoku
    [few] Wszyscy { $n } klienci z tego widoku
    [many] Wszystkich { $n } klientów z tego widoku
   *[other] Wszyscy klienci z tego widoku ({ $n })
}
bulk-select = Zaznacz: { $name }
bulk-group-title = Przypisz grupę
bulk-group-confirm = { $count ->
    [one] Przypisać { $n } klienta do grupy „{ $group }”?
    [few] Przypisać { $n } klientów do grupy „{ $group }”?
    [many] Przypisać { $n } klientów do grupy „{ $group }”?
   *[other] Przypisać { $n } klienta do grupy „{ $group }”?
}
bulk-group-confirm-none = { $count ->
    [one] Usunąć { $n } klienta z jego grupy?
    [few] Usunąć { $n } klientów z ich grup?
    [many] Usunąć { $n } klientów z ich grup?
   *[other] Usunąć { $n } klienta z ich grup?
}
bulk-group-none = Nie zaznaczono żadnego klienta.
bulk-group-apply = Potwierdź
bulk-group-count-changed = Liczba klientów zmieniła się, odkąd ją widziałeś. Sprawdź liczbę i potwierdź ponownie.
flash-group-created = Grupa utworzona.
flash-group-saved = Grupa zapisana.
flash-group-deleted = Grupa usunięta; jej klienci są teraz bez grupy.
flash-group-prices-saved = Ceny grupy zapisane.
flash-group-assigned = Grupa przypisana.
error-group-name-required = Wpisz nazwę grupy.
error-group-name-taken = Grupa o tej nazwie już istnieje.
error-group-unknown = Ta grupa nie istnieje.
error-percent-range = Procent musi wynosić od 0 do 100.
error-percent-invalid = Wpisz procent, np. 10 lub 12,5.
error-amount-negative = Kwota nie może być ujemna.
error-discount-kind = Wybierz rodzaj rabatu.
error-product-unknown = Ten produkt nie istnieje lub jest nieaktywny.
error-selection-too-large = Zaznaczono naraz zbyt wielu klientów.
# Opcje kredytu (B2B)
credit-options-menu-entry = Zobacz opcje kredytu
credit-options-title = Opcje kredytu
credit-options-lead = Zakupy na kredyt (B2B): limit kredytu i termin płatności dla zamówień na rachunek.
credit-options-empty = Ten klient nie ma opcji kredytu.
section-credit-options = Opcje kredytu
credit-option-add = Dodaj opcję
credit-option-add-submit = Dodaj
credit-option-heading = Kredyt w { $currency }
credit-option-currency = Waluta
credit-option-limit = Limit kredytu
credit-option-terms = Termin płatności (dni)
credit-option-terms-help = Od 0 do 365 dni od zamówienia.
credit-option-active = Aktywna
credit-option-inactive = Nieaktywna
credit-option-block-overdue = Odrzucaj nowe zamówienia, dopóki są zaległe faktury
credit-option-outstanding = Do zapłaty
credit-option-overdue = Zaległe
credit-option-available = Dostępne
flash-credit-option-added = Opcja kredytu dodana.
flash-credit-option-saved = Opcja kredytu zapisana.
error-credit-option-exists = Ten klient ma już opcję kredytu w tej walucie.
error-currency-invalid = Wpisz trzyliterowy kod waluty, np. PLN.
error-terms-days = Termin musi być liczbą dni od 0 do 365.
payment-on_account = Na kredyt (na rachunek)
invoice-state = Faktura
invoice-open = Oczekuje na zapłatę
invoice-settle = Zarejestruj wpłatę
invoice-settled-on = Zapłacona { $date }
flash-order-settled = Wpłata zarejestrowana.
# Zamówienia tworzone w panelu
order-new = Nowe zamówienie
order-new-lead = Każda pozycja jest liczona według cen klienta: jego grupy i rabatu indywidualnego.
order-preview = Oblicz
order-create = Utwórz zamówienie
flash-order-created = Zamówienie utworzone.
error-order-empty = Dodaj co najmniej jeden produkt.
error-quantity = Ilość musi być liczbą całkowitą od 1 do 10 000.
error-order-currencies = Wszystkie produkty zamówienia muszą mieć tę samą walutę.
error-payment-method = Wybierz formę płatności.
order-refused-no-option = Ten klient nie ma aktywnej opcji kredytu w walucie zamówienia: nie może kupować na kredyt.
order-refused-limit = Odrzucono: zamówienie ({ $order }) wraz z kwotą do zapłaty ({ $outstanding }) przekracza limit kredytu ({ $limit }).
order-refused-overdue = { $count ->
    [one] Odrzucono: klient ma { $n } zaległą fakturę.
    [few] Odrzucono: klient ma { $n } zaległe faktury.
    [many] Odrzucono: klient ma { $n } zaległych faktur.
   *[other] Odrzucono: klient ma { $n } zaległej faktury.
}
audit-group-create = Utworzono grupę
audit-group-update = Zmieniono grupę
audit-group-delete = Usunięto grupę
audit-group-price = Zmieniono cenę grupy
audit-group-assign = Przypisano klientów do grupy
audit-order-create = Utworzono zamówienie w panelu
audit-order-settle = Zarejestrowano wpłatę za fakturę
audit-customer-credit-option-add = Dodano opcję kredytu
audit-customer-credit-option-update = Zmieniono opcję kredytu
