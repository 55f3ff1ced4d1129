## Przegląd klientów
overview-link = Przegląd
overview-title = Przegląd klientów
overview-lead = Kto kupuje najwięcej i kto wraca na kolejne zakupy.
overview-stat-buyers = Klienci z zamówieniami
overview-stat-buyers-note = { $count ->
    [one] Z { $n } klienta łącznie
    [few] Z { $n } klientów łącznie
    [many] Z { $n } klientów łącznie
   *[other] Z { $n } klienta łącznie
}
overview-stat-returning = Powracający klienci
overview-stat-returning-note = { $count ->
    [one] { $n } klient zamówił więcej niż raz
    [few] { $n } klientów zamówiło więcej niż raz
    [many] { $n } klientów zamówiło więcej niż raz
   *[other] { $n } klienta zamówiło więcej niż raz
}
overview-no-buyers = Nie ma jeszcze zamówień.
overview-stat-best = Najlepszy klient
overview-stat-created = Nowi klienci
overview-last-12-months = W ostatnich 12 miesiącach
overview-top-title = 10 klientów, którzy wydali najwięcej
overview-top-empty = Nikt jeszcze niczego nie kupił. Klienci, którzy wydadzą najwięcej, pojawią się tutaj.
overview-col-rank = Miejsce
overview-terms-title = Jak liczymy
overview-new-buyers = Nowi
overview-new-buyers-help = Klienci, którzy złożyli pierwsze zamówienie w danym miesiącu.
overview-returning-buyers = Powracający
overview-returning-buyers-help = Klienci, którzy zamówili w danym miesiącu i zamawiali już wcześniej. Klient powraca, gdy ma co najmniej dwa zamówienia.
overview-spent-help = Suma zamówień w { $currency }, bez anulowanych.
overview-buyers-title = Nowi i powracający kupujący w kolejnych miesiącach
overview-buyers-desc = Każdy klient liczy się raz w każdym miesiącu, w którym złożył zamówienie, w ostatnich 12 miesiącach.
overview-buyers-empty = W ostatnich 12 miesiącach nie było zamówień.
overview-show-data = Pokaż dane
overview-col-month = Miesiąc
overview-created-title = Nowi klienci w kolejnych miesiącach
overview-created-desc = { $count ->
    [one] { $n } nowy klient w ostatnich 12 miesiącach
    [few] { $n } nowych klientów w ostatnich 12 miesiącach
    [many] { $n } nowych klientów w ostatnich 12 miesiącach
   *[other] { $n } nowego klienta w ostatnich 12 miesiącach
}
overview-created-empty = W ostatnich 12 miesiącach nie dodano żadnego klienta.
overview-col-created = Nowi klienci
