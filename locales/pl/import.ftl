# Klienci → Import (CSV)
import-link = Importuj
import-title = Import klientów
import-lead = Prześlij plik CSV z klientami. Zanim cokolwiek się zmieni, zobaczysz, co zrobi każdy wiersz.
import-file = Plik CSV
import-file-help = Tekst UTF-8, ze znacznikiem BOM lub bez; pierwszy wiersz zawiera nazwy kolumn. Do { $n } wierszy i { $mb } MB.
import-mode = Gdy e-mail należy już do klienta
import-mode-create = Tylko twórz (odrzuć wiersz)
import-mode-update = Aktualizuj po e-mailu (a pozostałych utwórz)
import-mode-help = Przy „aktualizuj po e-mailu” zmieniają się tylko komórki wypełnione w pliku; pusta komórka zachowuje zapisaną wartość.
import-separator = Separator kolumn
import-separator-auto = Rozpoznaj z pierwszego wiersza
import-separator-comma = Przecinek (,)
import-separator-semicolon = Średnik (;)
import-upload = Prześlij i sprawdź
import-columns-title = Kolumny
import-columns-lead = Kolumny są rozpoznawane po nagłówku, po polsku, hiszpańsku lub angielsku; pozostałe są pomijane. Eksport CSV listy klientów można zaimportować bez zmian.
import-col-field = Pole
import-col-headers = Akceptowane nagłówki
import-col-values = Wartości
import-rule-encoding = Zapisz plik jako „CSV UTF-8”. Komórki mogą być w cudzysłowie; w cudzysłowie mogą zawierać separatory i podziały wierszy.
import-rule-empty = Puste wiersze są pomijane. Pokazywane numery wierszy to numery z pliku.
import-rule-duplicates = E-mail, który występuje w pliku dwa razy, jest importowany raz, z pierwszego wiersza.
import-rule-points = Import nie wysyła e-maili i nie przyznaje punktów lojalnościowych (także za zgodę na newsletter).
import-recent = Ostatnie importy
import-col-date = Data
import-col-by = Kto
import-col-state = Stan
import-created = Utworzeni
import-updated = Zaktualizowani
import-rejected = Odrzucone
import-state-preview = Czeka na sprawdzenie
import-state-running = Importowanie…
import-state-done = Zakończony
import-progress = { $done } z { $total } wierszy
import-refresh = Odśwież
import-show-title = Import pliku { $file }
import-rows = { $count ->
    [one] { $n } wiersz
    [few] { $n } wiersze
   *[other] { $n } wierszy
}
import-preview = Co zrobi ten plik
import-to-create = Nowi klienci
import-to-update = Zaktualizowani klienci
import-to-reject = Wiersze z błędami
import-start = { $count ->
    [one] Importuj { $n } klienta
    [few] Importuj { $n } klientów
   *[other] Importuj { $n } klientów
}
import-start-help = Wiersze z błędami zostaną pominięte; pobierz je, popraw i zaimportuj ponownie.
import-nothing = Żadnego wiersza tego pliku nie można zaimportować.
import-discard = Odrzuć ten plik
import-columns-read = Jak czytane są kolumny
import-col-column = Kolumna w pliku
import-col-read-as = Czytana jako
import-column-ignored = Pomijana
import-sample = Pierwsze wiersze do importu
import-col-line = Wiersz
import-col-action = Działanie
import-plan-create = Utwórz
import-plan-update = Zaktualizuj
import-plan-reject = Odrzuć
import-see-customers = Zobacz najnowszych klientów
import-rejected-title = Odrzucone wiersze
import-rejected-download = Pobierz odrzucone wiersze (CSV)
import-col-reasons = Powody
flash-import-started = Import się rozpoczął.
flash-import-already-started = Ten import został już rozpoczęty.
flash-import-discarded = Plik odrzucono; nic nie zaimportowano.
audit-customer-import = Klient zaimportowany z pliku CSV
audit-customer-import-update = Klient zaktualizowany importem CSV

import-field-name = Imię i nazwisko
import-field-name-headers = Imię i nazwisko, Nazwa, Name, Nombre
import-field-name-values = Wymagane dla nowych klientów.
import-field-email = E-mail
import-field-email-headers = E-mail, Email, Correo electrónico
import-field-email-values = Wymagany do aktualizacji; dla gości opcjonalny.
import-field-phone = Telefon
import-field-phone-headers = Telefon, Phone, Teléfono
import-field-phone-values = Cyfry, spacje oraz + - ( ) .
import-field-language = Język
import-field-language-headers = Język, Language, Idioma
import-field-language-values = es, pl, en (lub Español, Polski, English); puste: język sklepu.
import-field-registered = Typ klienta
import-field-registered-headers = Typ klienta, Typ, Zarejestrowany, Tipo
import-field-registered-values = Zarejestrowany / gość albo tak / nie; puste: gość.
import-field-newsletter = Newsletter
import-field-newsletter-headers = Newsletter
import-field-newsletter-values = tak / nie (sí, yes, 1 … no, 0).
import-field-tags = Tagi
import-field-tags-headers = Tagi, Etykiety, Tags, Etiquetas
import-field-tags-values = Rozdzielone | lub przecinkiem; są dodawane, nigdy usuwane.

import-error-no-file = Wybierz plik CSV do przesłania.
import-error-too-big = Plik jest za duży.
import-error-encoding = Plik nie jest tekstem UTF-8. Zapisz go jako „CSV UTF-8” i prześlij ponownie.
import-error-empty = Plik jest pusty.
import-error-csv = Nie udało się odczytać pliku jako CSV.
import-error-duplicate-column = Dwie kolumny są czytane jako to samo pole (druga to „{ $column }”).
import-error-too-many-rows = Plik ma za dużo wierszy; podziel go na kilka plików.
import-error-no-rows = Plik ma wiersz nagłówków, ale żadnego klienta.
import-error-no-name-column = W pliku nie ma kolumny z imieniem i nazwiskiem klienta.
import-error-no-email-column = Aktualizacja po e-mailu wymaga kolumny z e-mailem.
import-error-language = Użyj es, pl lub en.
import-error-registered = Wpisz „zarejestrowany” lub „gość” (albo tak / nie).
import-error-unregister = Zarejestrowany klient nie może stać się gościem.
import-error-yes-no = Wpisz tak lub nie.
import-error-extra-cells = Wiersz ma więcej komórek, niż nagłówek ma kolumn.
import-error-exists = Klient z tym e-mailem już istnieje (wybierz „aktualizuj po e-mailu”, aby go zaktualizować).
import-error-ambiguous = Kilku klientów-gości ma ten e-mail; zaktualizuj ich z ich kart.
import-error-duplicate-in-file = Ten sam e-mail jest już w wierszu { $line }; importowany jest tylko tamten wiersz.
import-error-changed = Klient zmienił się w trakcie importu pliku; zaimportuj wiersz ponownie.
