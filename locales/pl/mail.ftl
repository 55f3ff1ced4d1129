# E-maile do klientów. Każda wiadomość ma -subject i -body.
mail-password-reset-subject = Ustaw nowe hasło
mail-password-reset-body =
    Dzień dobry, { $name },

    ktoś (mamy nadzieję, że Ty) poprosił o nowe hasło do Twojego konta. Otwórz ten link, aby je ustawić:

    { $link }

    Link działa jeden raz, przez { $hours ->
        [one] godzinę
        [few] { $hours } godziny
       *[other] { $hours } godzin
    }. Jeśli to nie Ty, zignoruj tę wiadomość: hasło się nie zmieni.
mail-email-confirm-subject = Potwierdź swój adres e-mail
mail-email-confirm-body =
    Dzień dobry, { $name },

    dziękujemy za założenie konta. Otwórz ten link, aby potwierdzić adres e-mail; zamówienia złożone wcześniej bez konta na ten adres pojawią się na Twoim koncie:

    { $link }

    Link działa jeden raz, przez { $hours } godzin.
mail-email-change-subject = Potwierdź nowy adres e-mail
mail-email-change-body =
    Dzień dobry, { $name },

    poprosiłeś o używanie tego adresu na swoim koncie. Otwórz ten link, aby go potwierdzić; do tego czasu konto zachowuje obecny adres:

    { $link }

    Link działa jeden raz, przez { $hours } godzin. Jeśli to nie Ty, zignoruj tę wiadomość.
mail-email-change-notice-subject = Twój adres e-mail wkrótce się zmieni
mail-email-change-notice-body =
    Dzień dobry, { $name },

    na Twoim koncie poproszono o zmianę adresu e-mail na { $email }. Zmieni się dopiero po otwarciu linku wysłanego na ten adres.

    Jeśli to nie Ty, zmień teraz hasło.
mail-order-status-subject = Twoje zamówienie { $number } ma teraz status: { $status }
mail-order-status-body =
    Dzień dobry, { $name },

    Twoje zamówienie { $number } ma teraz status: { $status }.
    Wartość zamówienia: { $total }.

    Dziękujemy za zakupy.
mail-order-internal-subject = Zamówienie { $number }: { $from } → { $status }
mail-order-internal-body =
    Zamówienie { $number } klienta { $name } zmieniło status z „{ $from }” na „{ $status }”.
    Wartość zamówienia: { $total }.
