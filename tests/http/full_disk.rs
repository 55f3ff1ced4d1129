//! A full disk (reliability item "graceful behaviour under faults"): the SQLite database on a
//! small tmpfs whose space is then taken by another file. A write that no longer fits gets the
//! translated "disk full" page (507), saves nothing and leaves the database sound; once space
//! is freed the same session writes again, without a restart. Needs `mount` (root), which the
//! test machine and CI have; outside CI it says so and stops when it cannot mount.

use std::io::Write;
use std::process::Command;

use clientela::db::Backend;
use clientela::domain::integrity;
use diesel::RunQueryDsl;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};

/// A tmpfs of `size` mounted on a temporary directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn customers_named(app: &TestApp, name: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<N> = app.with_conn(|c| {
        diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM customers WHERE full_name = '{name}'"
        ))
        .load(c)
        .unwrap()
    });
    rows[0].n
}

#[actix_web::test]
async fn a_full_disk_refuses_the_write_with_a_translated_page_saves_nothing_and_recovers_when_space_is_freed()
 {
    if crate::common::backend() != "sqlite" {
        // PostgreSQL's disk is the database server's; the same error mapping answers 507 for
        // its `disk_full`, but this test can only fill a disk it mounts itself.
        return;
    }
    let Some(disk) = SmallDisk::mount("6m") else {
        assert!(
            !crate::common::ci(),
            "CI must be able to mount a tmpfs for the full-disk test"
        );
        println!("full-disk test not run: cannot mount a tmpfs here (needs root)");
        return;
    };
    let db = disk.dir.path().join("store.db");
    let app = TestApp::spawn_with(|c| c.database_url = db.to_string_lossy().into_owned()).await;
    assert_eq!(Backend::from_url(&app.config.database_url), Backend::Sqlite);
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/customers/new").await;

    // Take every byte left.
    let filler = disk.dir.path().join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
    drop(f);

    // Writes fit while the database's own files still have room; the first one that does not
    // is refused.
    let mut refused = None;
    for i in 0..3000 {
        let name = format!("Cliente lleno {i}");
        let p = c
            .post("/customers", &[("full_name", &name), ("language", "es")])
            .await;
        match p.status {
            StatusCode::SEE_OTHER => continue,
            StatusCode::INSUFFICIENT_STORAGE => {
                refused = Some((name, p));
                break;
            }
            other => panic!("write {i} answered {other}: {}", p.body),
        }
    }
    let (name, page) = refused.expect("the disk never filled up");
    assert!(
        page.body.contains("El disco de la tienda está lleno"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("No se ha guardado nada"),
        "{}",
        page.body
    );
    assert_eq!(
        customers_named(&app, &name),
        0,
        "the refused customer was saved"
    );
    // Reading still works and the database is sound.
    assert_eq!(c.get("/customers").await.status, StatusCode::OK);
    let report = app
        .with_conn(|conn| integrity::check(conn, Backend::Sqlite))
        .unwrap();
    assert!(report.ok(), "{:?}", report.findings);

    // Space freed: the same session saves again, no restart.
    std::fs::remove_file(&filler).unwrap();
    let p = c
        .post("/customers", &[("full_name", &name), ("language", "es")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(customers_named(&app, &name), 1);
    drop(app);
}
