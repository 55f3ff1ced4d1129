# Program lojalnościowy (seed 004)
nav-loyalty = Lojalność
section-loyalty = Program lojalnościowy
loyalty-on-card = Punkty lojalnościowe
points-count = { $count ->
    [one] { $n } punkt
    [few] { $n } punkty
    [many] { $n } punktów
   *[other] { $n } punktu
}
filter-points-yes = Z punktami
chip-points = Z punktami lojalnościowymi

loyalty-tab-overview = Podsumowanie
loyalty-tab-exchanges = Zamówienia na wymianę
loyalty-tab-rewards = Nagrody
loyalty-tab-reviews = Opinie
loyalty-tab-settings = Ustawienia

loyalty-disabled-notice = Program lojalnościowy jest wyłączony: klienci nie zdobywają punktów ani nie wymieniają ich na produkty. Punkty możesz nadal dodawać i odejmować ręcznie.
loyalty-configure = Skonfiguruj program
loyalty-balance = Aktualna liczba punktów
loyalty-held = Punkty zablokowane w zamówieniach na wymianę
loyalty-balance-help = Punkty zablokowane przez oczekujące zamówienia na wymianę nie wliczają się do aktualnej liczby; wracają, jeśli zamówienie zostanie odrzucone.
loyalty-manage = Zarządzaj punktami
loyalty-points = Liczba punktów
loyalty-direction = Operacja
loyalty-direction-add = Dodaj punkty
loyalty-direction-subtract = Odejmij punkty
loyalty-reason = Powód
loyalty-manage-help = Zmiana zostanie zapisana w historii operacji. Klient nie otrzyma żadnej wiadomości, a ustawienia sklepu się nie zmienią.
loyalty-manage-save = Zapisz zmiany

loyalty-exchanges = Zamówienia na wymianę punktów
loyalty-exchanges-lead = Klienci wymieniają punkty na produkty; punkty są blokowane do czasu Twojej decyzji.
loyalty-exchanges-empty = Brak zamówień na wymianę punktów.
loyalty-exchanges-pending = { $count ->
    [one] Oczekujące ({ $n })
   *[other] Oczekujące ({ $n })
}
loyalty-exchanges-pending-empty = Żadne zamówienie nie czeka na akceptację.
loyalty-exchanges-decided = Ostatnio rozpatrzone
loyalty-reward = Nagroda
loyalty-exchange-place = Złóż zamówienie na wymianę
loyalty-stock = { $count ->
    [one] { $n } szt. w magazynie
    [few] { $n } szt. w magazynie
    [many] { $n } szt. w magazynie
   *[other] { $n } szt. w magazynie
}
exchange-accept = Akceptuj
exchange-reject = Odrzuć
exchange-status-pending = Oczekuje
exchange-status-accepted = Zaakceptowane
exchange-status-rejected = Odrzucone

loyalty-history = Historia operacji
loyalty-history-empty = Brak operacji na punktach.
loyalty-col-date = Data
loyalty-col-operation = Operacja
loyalty-col-points = Punkty
loyalty-col-actor = Wykonał
loyalty-col-cause = Dotyczy
loyalty-col-balance-after = Stan po operacji
loyalty-col-customer = Klient
loyalty-col-reward = Produkt
loyalty-col-status = Status
loyalty-col-decided = Rozpatrzono
loyalty-col-earned = Zdobyte punkty
loyalty-col-list-price = Cena katalogowa
loyalty-col-stock = Stan magazynowy
loyalty-col-offered = Dostępna
loyalty-cause-order = Zamówienie { $number }
loyalty-cause-exchange = Wymiana nr { $number }
loyalty-cause-review = Opinia nr { $number }
loyalty-reversal-shortfall = (klient wykorzystał już część punktów; odjęto tyle, ile miał)
loyalty-kind-earn_order = Punkty za zakup
loyalty-kind-earn_newsletter = Punkty za zapis do newslettera
loyalty-kind-earn_review = Punkty za opinię o produkcie
loyalty-kind-spend = Punkty wykorzystane na zamówienie
loyalty-kind-unspend = Punkty zwrócone z anulowanego zamówienia
loyalty-kind-merge_in = Punkty przeniesione z wcześniejszych zamówień bez konta
loyalty-kind-merge_out = Punkty przeniesione na konto klienta
loyalty-kind-manual_add = Dodanie punktów przez administratora
loyalty-kind-manual_subtract = Odjęcie punktów przez administratora
loyalty-kind-hold = Blokada punktów (zamówienie na wymianę)
loyalty-kind-release = Zwrot zablokowanych punktów (zamówienie odrzucone)
loyalty-kind-redeem = Akceptacja zamówienia na wymianę
loyalty-kind-reversal = Cofnięcie punktów (anulowanie lub zwrot)
loyalty-kind-expiry = Wygaśnięcie punktów

loyalty-reviews = Opinie o produktach
loyalty-reviews-empty = Klient nie dodał jeszcze opinii.
review-add = Dodaj opinię klienta
review-product = Produkt
review-rating-label = Ocena
review-rating = { $count ->
    [one] { $n } gwiazdka
    [few] { $n } gwiazdki
    [many] { $n } gwiazdek
   *[other] { $n } gwiazdki
}
review-body = Treść opinii
review-add-help = Opinia czeka na akceptację; punkty za opinię są przyznawane po jej zatwierdzeniu.
review-save = Zapisz opinię
review-approve = Zatwierdź
review-reject = Odrzuć
review-status-pending = Czeka na akceptację
review-status-approved = Zatwierdzona
review-status-rejected = Odrzucona
reviews-lead-award = { $count ->
    [one] Za każdą zatwierdzoną opinię klient otrzymuje { $n } punkt.
    [few] Za każdą zatwierdzoną opinię klient otrzymuje { $n } punkty.
    [many] Za każdą zatwierdzoną opinię klient otrzymuje { $n } punktów.
   *[other] Za każdą zatwierdzoną opinię klient otrzymuje { $n } punktu.
}
reviews-lead-no-award = Program nie przyznaje obecnie punktów za opinie.
reviews-pending = { $count ->
    [one] Czeka na akceptację ({ $n })
   *[other] Czekają na akceptację ({ $n })
}
reviews-pending-empty = Żadna opinia nie czeka na akceptację.
reviews-decided = Ostatnio rozpatrzone
reviews-decided-empty = Brak rozpatrzonych opinii.

loyalty-rewards = Nagrody za punkty
loyalty-rewards-lead = Produkty, które klienci mogą otrzymać w zamian za punkty.
loyalty-rewards-none = Żaden produkt nie jest jeszcze dostępny za punkty.
loyalty-offered = Dostępna
loyalty-reward-add = Dodaj nagrodę
loyalty-reward-points = Cena w punktach
loyalty-reward-stock = Stan magazynowy
loyalty-reward-save = Dodaj nagrodę
loyalty-reward-no-products = Wszystkie produkty są już nagrodami.

loyalty-settings-title = Ustawienia programu lojalnościowego
loyalty-settings-lead = Za co klienci zdobywają punkty i kiedy.
loyalty-settings-enabled = Program lojalnościowy włączony
loyalty-settings-enabled-help = Wyłączony program nie przyznaje punktów i nie przyjmuje zamówień na wymianę.
loyalty-settings-purchases = Punkty za zakupy
loyalty-settings-rate = Punkty za każdą jednostkę waluty
loyalty-settings-rate-help = Np. 1 to 1 punkt za każde wydane 1 zł; 0,5 to 1 punkt za 2 zł. Liczone od tego, co klient faktycznie zapłacił, bez kosztów wysyłki i bez części opłaconej kredytem sklepowym lub punktami; zaokrąglane w dół.
loyalty-settings-status = Przyznawaj punkty, gdy zamówienie osiągnie status
loyalty-settings-status-help = Anulowanie zamówienia odbiera jego punkty; częściowy zwrot odbiera je proporcjonalnie.
loyalty-settings-scope = Produkty, za które są punkty
loyalty-settings-scope-all = Wszystkie produkty
loyalty-settings-scope-selected = Tylko wybrane produkty
loyalty-settings-products = Wybrane produkty
loyalty-settings-products-help = Brane pod uwagę, gdy punkty są tylko za wybrane produkty.
loyalty-settings-other = Inne nagrody
loyalty-settings-newsletter = Punkty za zapis do newslettera
loyalty-settings-review = Punkty za zatwierdzoną opinię o produkcie
loyalty-settings-awards-help = Puste lub 0: brak nagrody. Za newsletter klient dostaje punkty tylko raz.
loyalty-settings-expiry = Wygaśnięcie punktów (dni bez zdobywania punktów)
loyalty-settings-expiry-help = Puste: punkty nie wygasają.
loyalty-settings-save = Zapisz ustawienia

loyalty-overview-title = Program lojalnościowy
loyalty-overview-on = Program jest włączony.
loyalty-outstanding = Punkty na kontach klientów
loyalty-pending-exchanges = Zamówienia na wymianę do rozpatrzenia
loyalty-earned-12 = Zdobyte w ostatnich 12 miesiącach
loyalty-redeemed-12 = Wymienione w ostatnich 12 miesiącach
loyalty-chart-earned = Zdobyte punkty w miesiącu
loyalty-chart-redeemed = Wymienione punkty w miesiącu
loyalty-chart-empty = Brak punktów w tym okresie.
loyalty-top-earners = Klienci, którzy zdobyli najwięcej punktów
loyalty-top-empty = Nikt jeszcze nie zdobył punktów.

flash-points-saved = Zapisano. Stan punktów został zaktualizowany.
flash-exchange-placed = Złożono zamówienie na wymianę; punkty są zablokowane.
flash-exchange-accepted = Zamówienie na wymianę zaakceptowane; utworzono zamówienie na produkt.
flash-exchange-rejected = Zamówienie na wymianę odrzucone; punkty wróciły do klienta.
flash-review-added = Opinia zapisana; czeka na akceptację.
flash-review-approved = Opinia zatwierdzona.
flash-review-rejected = Opinia odrzucona.
flash-reward-added = Nagroda dodana.
flash-reward-saved = Nagroda zapisana.
flash-loyalty-settings = Ustawienia programu lojalnościowego zapisane.

loyalty-error-invalid = Sprawdź zaznaczone pola.
loyalty-error-insufficient = Klient nie ma tylu punktów. Nic nie zostało zmienione.
loyalty-error-disabled = Program lojalnościowy jest wyłączony.
loyalty-error-unavailable = Ta nagroda jest niedostępna lub wyczerpana.
loyalty-error-decided = To zostało już rozpatrzone przez kogoś innego.
loyalty-error-key-reused = Ten formularz został już użyty do innej operacji. Odśwież stronę.
loyalty-error-not-found = Nie znaleziono.
loyalty-error-server = Nie udało się zapisać. Spróbuj ponownie.
loyalty-error-points-whole = Podaj liczbę całkowitą, same cyfry.
loyalty-error-points-positive = Podaj liczbę większą od zera.
loyalty-error-points-too-many = Najwyżej 10 000 000 punktów naraz.
loyalty-error-direction = Wybierz, czy dodać, czy odjąć punkty.
loyalty-error-rate = Podaj liczbę od 0 do 1000, najwyżej z dwoma miejscami po przecinku.
loyalty-error-status = Wybierz status z listy.
loyalty-error-products = Wybierz produkty z listy.
loyalty-error-products-none = Wybierz co najmniej jeden produkt albo przyznawaj punkty za wszystkie.
loyalty-error-product = Wybierz produkt z listy.
loyalty-error-rating = Wybierz ocenę od 1 do 5.
loyalty-error-reward = Wybierz nagrodę z listy.
loyalty-error-reward-exists = Ten produkt jest już nagrodą.
loyalty-error-stock = Podaj stan magazynowy od 0 do 1 000 000.

# Linie osi czasu (wpisy dziennika o kliencie)
audit-loyalty-earn_order = Punkty lojalnościowe za zamówienie
audit-loyalty-earn_newsletter = Punkty lojalnościowe za zapis do newslettera
audit-loyalty-earn_review = Punkty lojalnościowe za opinię
audit-loyalty-spend = Punkty lojalnościowe wykorzystane na zamówienie
audit-loyalty-unspend = Punkty lojalnościowe zwrócone z anulowanego zamówienia
audit-loyalty-merge_in = Punkty lojalnościowe przeniesione z zamówień bez konta z tym samym e-mailem
audit-loyalty-merge_out = Punkty lojalnościowe przeniesione na konto klienta z tym samym e-mailem
audit-loyalty-manual_add = Punkty lojalnościowe dodane przez administratora
audit-loyalty-manual_subtract = Punkty lojalnościowe odjęte przez administratora
audit-loyalty-hold = Punkty zablokowane przez zamówienie na wymianę
audit-loyalty-release = Zablokowane punkty zwrócone
audit-loyalty-redeem = Zamówienie na wymianę zaakceptowane
audit-loyalty-reversal = Punkty lojalnościowe cofnięte
audit-loyalty-expiry = Punkty lojalnościowe wygasły
audit-review-add = Zapisano opinię o produkcie
audit-review-approved = Opinia o produkcie zatwierdzona
audit-review-rejected = Opinia o produkcie odrzucona

loyalty-order-earned = Zdobyte punkty lojalnościowe
loyalty-order-reversed = { $count ->
    [one] { $n } cofnięty
    [few] { $n } cofnięte
    [many] { $n } cofniętych
   *[other] { $n } cofniętego
}
loyalty-rewards-unaffordable = Klient nie ma dość punktów na żadną dostępną nagrodę.
loyalty-settings-point-value = Wartość jednego punktu przy zamówieniu
loyalty-settings-point-value-help = Puste: punkty wymienia się tylko na nagrody. Z wartością (np. 0,01) klienci z kontem mogą opłacić punktami część zamówienia; suma zamówienia to kwota pozostała do zapłaty i tylko ona nalicza punkty.
