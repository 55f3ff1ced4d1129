# E-maile o zamówieniach: ustawienia w panelu.
notifications-title = Powiadomienia
notifications-lead = E-maile wysyłane przez sklep, gdy zamówienie zmienia status: do klienta i do Twojego zespołu.
notifications-settings-hint = Które zmiany statusu zamówienia wysyłają e-mail do klienta i kto z zespołu dostaje powiadomienie o każdej zmianie.
notifications-customer = Wyślij klientowi e-mail, gdy jego zamówienie otrzyma status
notifications-customer-help = Każdy zaznaczony status wysyła klientowi jeden e-mail w jego języku, z zamówieniem i nowym statusem.
notifications-internal = Powiadomienia wewnętrzne: odbiorcy
notifications-internal-help = Jeden adres w wierszu (do 10). Każdy dostaje jeden e-mail przy każdej zmianie statusu dowolnego zamówienia, w języku sklepu. Tutaj zmienisz adresy („Zmień adres odbiorcy”); zostaw puste, aby nic nie wysyłać.
notifications-save = Zapisz powiadomienia
notifications-error-status = Nieznany status zamówienia.
notifications-error-recipient = Jeden z adresów nie jest poprawnym adresem e-mail.
notifications-error-too-many = Najwyżej 10 odbiorców.
flash-notifications-saved = Powiadomienia zapisane.
notifications-log-title = Dziennik powiadomień
notifications-log-lead = Każdy e-mail ustawiony przez sklep w kolejce, od najnowszego: wysłany, oczekujący (ponawiany z coraz dłuższymi przerwami) lub porzucony. „Wyślij ponownie” wysyła kopię.
notifications-log-link = Dziennik powiadomień
notifications-log-all = Wszystkie
notifications-status-pending = Oczekujące
notifications-status-sent = Wysłane
notifications-status-failed = Nieudane
notifications-log-empty = Nie ma jeszcze e-maili.
notifications-log-created = W kolejce od
notifications-log-to = Do
notifications-log-subject = Temat
notifications-log-state = Stan
notifications-log-actions = Działania
notifications-log-attempts = { $count ->
    [one] { $n } próba
    [few] { $n } próby
   *[many] { $n } prób
}
notifications-log-older = Starsze e-maile
notifications-resend = Wyślij ponownie
flash-notification-resent = Kopia e-maila jest w drodze.
flash-notification-not-resent = Tego e-maila nie można wysłać ponownie (link do konta jest jednorazowy: klient prosi o nowy).
