//! Table definitions shared by both backends. Written by hand: the SQLite and PostgreSQL
//! migrations must produce columns of these types (INTEGER ids read as BIGINT on SQLite).

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    staff (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        language -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        staff_id -> Nullable<BigInt>,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        customer_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        window_start -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_staff_id -> Nullable<BigInt>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<BigInt>,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customers (id) {
        id -> BigInt,
        full_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        language -> Text,
        registered -> Bool,
        newsletter -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        anonymized_at -> Nullable<Timestamp>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        order_count -> BigInt,
        spent_cents -> BigInt,
        first_order_at -> Nullable<Timestamp>,
        last_order_at -> Nullable<Timestamp>,
        last_order_status -> Nullable<Text>,
        last_payment_method -> Nullable<Text>,
        search_text -> Text,
        credit_cents -> BigInt,
        points -> BigInt,
        group_id -> Nullable<BigInt>,
        discount_kind -> Nullable<Text>,
        discount_value -> BigInt,
    }
}

diesel::table! {
    customer_notes (id) {
        id -> BigInt,
        customer_id -> BigInt,
        author_staff_id -> Nullable<BigInt>,
        body -> Text,
        pinned -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        name -> Text,
        name_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_tags (customer_id, tag_id) {
        customer_id -> BigInt,
        tag_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_status_history (id) {
        id -> BigInt,
        order_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    addresses (id) {
        id -> BigInt,
        customer_id -> BigInt,
        kind -> Text,
        full_name -> Text,
        line1 -> Text,
        line2 -> Nullable<Text>,
        postal_code -> Text,
        city -> Text,
        region -> Nullable<Text>,
        country -> Text,
        phone -> Nullable<Text>,
        is_default -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        sku -> Text,
        name -> Text,
        price_cents -> BigInt,
        currency -> Text,
        active -> Bool,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        number -> Text,
        customer_id -> BigInt,
        status -> Text,
        payment_method -> Text,
        currency -> Text,
        subtotal_cents -> BigInt,
        shipping_cents -> BigInt,
        total_cents -> BigInt,
        placed_at -> Timestamp,
        updated_at -> Timestamp,
        credit_paid_cents -> BigInt,
        credit_refunded_cents -> BigInt,
        due_at -> Nullable<Timestamp>,
        settled_at -> Nullable<Timestamp>,
        checkout_key -> Nullable<Text>,
        points_used -> BigInt,
        points_discount_cents -> BigInt,
    }
}

diesel::table! {
    order_lines (id) {
        id -> BigInt,
        order_id -> BigInt,
        product_id -> Nullable<BigInt>,
        sku -> Text,
        name -> Text,
        quantity -> Integer,
        unit_price_cents -> BigInt,
        line_total_cents -> BigInt,
    }
}

diesel::table! {
    segments (id) {
        id -> BigInt,
        name -> Text,
        name_key -> Text,
        criteria -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        member_count -> Nullable<BigInt>,
    }
}

diesel::table! {
    credit_reasons (id) {
        id -> BigInt,
        code -> Nullable<Text>,
        name -> Nullable<Text>,
        name_key -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_accounts (customer_id, currency) {
        customer_id -> BigInt,
        currency -> Text,
        balance_cents -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    credit_lots (id) {
        id -> BigInt,
        customer_id -> BigInt,
        currency -> Text,
        amount_cents -> BigInt,
        remaining_cents -> BigInt,
        reason_id -> BigInt,
        note -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        order_id -> Nullable<BigInt>,
        granted_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        voided_at -> Nullable<Timestamp>,
        expired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    credit_entries (id) {
        id -> BigInt,
        customer_id -> BigInt,
        currency -> Text,
        kind -> Text,
        amount_cents -> BigInt,
        balance_after_cents -> BigInt,
        lot_id -> Nullable<BigInt>,
        order_id -> Nullable<BigInt>,
        reverses_id -> Nullable<BigInt>,
        idempotency_key -> Nullable<Text>,
        actor_staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_spend_parts (entry_id, lot_id) {
        entry_id -> BigInt,
        lot_id -> BigInt,
        amount_cents -> BigInt,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    loyalty_accounts (customer_id) {
        customer_id -> BigInt,
        balance -> BigInt,
        earned_total -> BigInt,
        last_earned_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    product_reviews (id) {
        id -> BigInt,
        customer_id -> BigInt,
        product_id -> BigInt,
        rating -> Integer,
        body -> Text,
        status -> Text,
        created_by -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    loyalty_rewards (id) {
        id -> BigInt,
        product_id -> BigInt,
        points -> BigInt,
        stock -> BigInt,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    loyalty_exchanges (id) {
        id -> BigInt,
        customer_id -> BigInt,
        reward_id -> BigInt,
        points -> BigInt,
        status -> Text,
        order_id -> Nullable<BigInt>,
        idempotency_key -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    loyalty_entries (id) {
        id -> BigInt,
        customer_id -> BigInt,
        kind -> Text,
        points -> BigInt,
        balance_after -> BigInt,
        order_id -> Nullable<BigInt>,
        review_id -> Nullable<BigInt>,
        exchange_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        award_key -> Nullable<Text>,
        actor_staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    loyalty_products (product_id) {
        product_id -> BigInt,
    }
}

diesel::table! {
    customer_groups (id) {
        id -> BigInt,
        name -> Text,
        name_key -> Text,
        discount_bp -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    group_prices (group_id, product_id) {
        group_id -> BigInt,
        product_id -> BigInt,
        price_cents -> BigInt,
    }
}

diesel::table! {
    credit_options (id) {
        id -> BigInt,
        customer_id -> BigInt,
        currency -> Text,
        limit_cents -> BigInt,
        terms_days -> Integer,
        block_overdue -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_accounts (customer_id) {
        customer_id -> BigInt,
        password_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        customer_id -> Nullable<BigInt>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        token_hash -> Text,
        prefix -> Text,
        scopes -> Text,
        staff_id -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_idempotency (token_id, key) {
        token_id -> BigInt,
        key -> Text,
        request_hash -> Text,
        status -> Integer,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_tokens (token_hash) {
        token_hash -> Text,
        customer_id -> BigInt,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    customer_imports (id) {
        id -> BigInt,
        staff_id -> BigInt,
        file_name -> Text,
        separator -> Text,
        mode -> Text,
        state -> Text,
        header -> Text,
        fields -> Text,
        total_rows -> BigInt,
        processed_rows -> BigInt,
        created_rows -> BigInt,
        updated_rows -> BigInt,
        rejected_rows -> BigInt,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    customer_import_rows (import_id, line_no) {
        import_id -> BigInt,
        line_no -> BigInt,
        cells -> Text,
        errors -> Nullable<Text>,
        planned -> Text,
        state -> Text,
        customer_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(sessions -> staff (staff_id));
diesel::joinable!(customer_accounts -> customers (customer_id));
diesel::joinable!(customer_tokens -> customers (customer_id));
diesel::joinable!(outbox -> customers (customer_id));
diesel::joinable!(api_tokens -> staff (staff_id));
diesel::joinable!(customer_imports -> staff (staff_id));
diesel::joinable!(customer_import_rows -> customer_imports (import_id));
diesel::joinable!(api_idempotency -> api_tokens (token_id));
diesel::joinable!(customers -> customer_groups (group_id));
diesel::joinable!(group_prices -> customer_groups (group_id));
diesel::joinable!(group_prices -> products (product_id));
diesel::joinable!(credit_options -> customers (customer_id));
diesel::joinable!(audit_log -> staff (actor_staff_id));
diesel::joinable!(addresses -> customers (customer_id));
diesel::joinable!(orders -> customers (customer_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_lines -> products (product_id));
diesel::joinable!(customer_notes -> customers (customer_id));
diesel::joinable!(customer_notes -> staff (author_staff_id));
diesel::joinable!(customer_tags -> customers (customer_id));
diesel::joinable!(customer_tags -> tags (tag_id));
diesel::joinable!(order_status_history -> orders (order_id));
diesel::joinable!(order_status_history -> staff (staff_id));
diesel::joinable!(loyalty_exchanges -> loyalty_rewards (reward_id));
diesel::joinable!(loyalty_rewards -> products (product_id));
diesel::joinable!(product_reviews -> products (product_id));
diesel::joinable!(loyalty_entries -> staff (actor_staff_id));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    staff,
    sessions,
    login_throttle,
    audit_log,
    customers,
    addresses,
    products,
    orders,
    order_lines,
    customer_notes,
    tags,
    customer_tags,
    order_status_history,
    segments,
    counters,
    credit_reasons,
    credit_accounts,
    credit_lots,
    credit_entries,
    credit_spend_parts,
    loyalty_accounts,
    product_reviews,
    loyalty_rewards,
    loyalty_exchanges,
    loyalty_entries,
    loyalty_products,
    customer_groups,
    group_prices,
    credit_options,
    customer_accounts,
    outbox,
    customer_tokens,
    api_tokens,
    api_idempotency,
    customer_imports,
    customer_import_rows,
);
