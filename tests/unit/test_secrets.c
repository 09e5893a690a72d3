/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the machine secret store's pure parts (secrets.c,
 * db_secret.c): sealing and opening, what makes a sealed value refuse to
 * open (a changed byte, another key, another service or key name), the
 * key name rules, the machine key file (made 0600, refused when too open
 * or of the wrong size), and the table: set, replace, list, delete, a
 * service's delete taking its secrets, and no plaintext byte in the
 * database files.  Delivery to a running service is tested for real, as
 * root, by tests/integration/test_secret.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdbool.h>

#include <cmocka.h>
#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "db.h"
#include "manager.h"
#include "secrets.h"
#include "service.h"
#include "service_config.h"

static const char plaintext[] = "correct horse battery staple";

static void fill_key(unsigned char *key, unsigned char seed) {
        for (int i = 0; i < SECRET_MACHINE_KEY_BYTES; i++)
                key[i] = (unsigned char)(seed + i);
}

static int setup(void **state) {
        (void)state;
        return secrets_init();
}

static void test_round_trip(void **state) {
        (void)state;
        unsigned char key[SECRET_MACHINE_KEY_BYTES];
        fill_key(key, 1);
        struct sealed_secret s;
        assert_int_equal(secret_seal(key, "web", "db-password", plaintext, strlen(plaintext), &s),
                         0);
        assert_int_equal(s.ciphertext_size, strlen(plaintext) + SECRET_TAG_BYTES);
        assert_int_equal(s.plaintext_size, strlen(plaintext));
        assert_null(memmem(s.ciphertext, s.ciphertext_size, "horse", 5));
        unsigned char *plain;
        size_t len;
        assert_int_equal(secret_open(key, "web", "db-password", s.nonce, sizeof(s.nonce),
                                     s.ciphertext, s.ciphertext_size, &plain, &len),
                         0);
        assert_int_equal(len, strlen(plaintext));
        assert_memory_equal(plain, plaintext, len);
        secret_plain_free(plain, len);

        /* A fresh nonce each time: the same value never seals the same way. */
        struct sealed_secret t;
        assert_int_equal(secret_seal(key, "web", "db-password", plaintext, strlen(plaintext), &t),
                         0);
        assert_memory_not_equal(s.nonce, t.nonce, sizeof(s.nonce));
        assert_memory_not_equal(s.ciphertext, t.ciphertext, s.ciphertext_size);
        sealed_secret_clear(&t);

        /* The empty value. */
        assert_int_equal(secret_seal(key, "web", "empty", "", 0, &t), 0);
        assert_int_equal(secret_open(key, "web", "empty", t.nonce, sizeof(t.nonce), t.ciphertext,
                                     t.ciphertext_size, &plain, &len),
                         0);
        assert_int_equal(len, 0);
        secret_plain_free(plain, len);
        sealed_secret_clear(&t);
        sealed_secret_clear(&s);
}

static void test_tamper_and_wrong_key(void **state) {
        (void)state;
        unsigned char key[SECRET_MACHINE_KEY_BYTES], other[SECRET_MACHINE_KEY_BYTES];
        fill_key(key, 1);
        fill_key(other, 2);
        struct sealed_secret s;
        assert_int_equal(secret_seal(key, "web", "token", plaintext, strlen(plaintext), &s), 0);
        unsigned char *plain = NULL;
        size_t len;

        /* Every single changed byte of the ciphertext (tag included). */
        for (size_t i = 0; i < s.ciphertext_size; i++) {
                s.ciphertext[i] ^= 0x01;
                assert_int_equal(secret_open(key, "web", "token", s.nonce, sizeof(s.nonce),
                                             s.ciphertext, s.ciphertext_size, &plain, &len),
                                 -EBADMSG);
                s.ciphertext[i] ^= 0x01;
        }
        /* A changed nonce, a cut ciphertext, a short nonce. */
        s.nonce[3] ^= 0x80;
        assert_int_equal(secret_open(key, "web", "token", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         -EBADMSG);
        s.nonce[3] ^= 0x80;
        assert_int_equal(secret_open(key, "web", "token", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size - 1, &plain, &len),
                         -EBADMSG);
        assert_int_equal(secret_open(key, "web", "token", s.nonce, 12, s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         -EBADMSG);
        assert_int_equal(secret_open(key, "web", "token", s.nonce, sizeof(s.nonce), s.ciphertext, 3,
                                     &plain, &len),
                         -EBADMSG);
        /* Another machine's key. */
        assert_int_equal(secret_open(other, "web", "token", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         -EBADMSG);
        /* The row moved to another service, or to another key. */
        assert_int_equal(secret_open(key, "web2", "token", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         -EBADMSG);
        assert_int_equal(secret_open(key, "web", "token2", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         -EBADMSG);
        /* The boundary between the two names is part of what is bound. */
        assert_int_equal(secret_open(key, "webt", "oken", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         -EBADMSG);
        assert_null(plain);
        /* Untouched, it still opens. */
        assert_int_equal(secret_open(key, "web", "token", s.nonce, sizeof(s.nonce), s.ciphertext,
                                     s.ciphertext_size, &plain, &len),
                         0);
        secret_plain_free(plain, len);
        sealed_secret_clear(&s);
}

static void test_key_names(void **state) {
        (void)state;
        const char *why;
        assert_int_equal(secret_key_name_check("db-password", &why), 0);
        assert_int_equal(secret_key_name_check("TLS_key.pem", &why), 0);
        assert_int_equal(secret_key_name_check("a", &why), 0);
        assert_int_equal(secret_key_name_check(".hidden", &why), 0);
        char longest[SECRET_KEY_NAME_MAX + 2];
        memset(longest, 'k', SECRET_KEY_NAME_MAX);
        longest[SECRET_KEY_NAME_MAX] = '\0';
        assert_int_equal(secret_key_name_check(longest, &why), 0);
        longest[SECRET_KEY_NAME_MAX] = 'k';
        longest[SECRET_KEY_NAME_MAX + 1] = '\0';
        assert_int_equal(secret_key_name_check(longest, &why), -EINVAL);
        const char *bad[] = {"", ".", "..", "a/b", "../x", "a b", "tab\t", "é", "a\\b", "x*"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                why = NULL;
                assert_int_equal(secret_key_name_check(bad[i], &why), -EINVAL);
                assert_non_null(why);
        }
}

static void test_machine_key_file(void **state) {
        (void)state;
        char dir[] = "/tmp/scm-unit-secrets.XXXXXX", path[96];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/secrets.key", dir);
        struct manager m = {.paths = {.db_dir = dir}};
        const unsigned char *key = NULL;
        char *why = NULL;

        secrets_finish();
        assert_int_equal(secrets_machine_key(&m.paths, m.db, false, &key, &why), -ENOENT);
        free(why);
        why = NULL;
        assert_int_equal(secrets_machine_key(&m.paths, m.db, true, &key, &why), 0);
        assert_non_null(key);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(st.st_size, SECRET_MACHINE_KEY_BYTES);
        unsigned char first[SECRET_MACHINE_KEY_BYTES];
        memcpy(first, key, sizeof(first));

        /* Read back as it was written; no temporary file left beside it. */
        secrets_finish();
        assert_int_equal(secrets_machine_key(&m.paths, m.db, false, &key, &why), 0);
        assert_memory_equal(first, key, sizeof(first));
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", dir);
        assert_int_equal(system(cmd), 0);

        /* Too open: refused, and the message says so. */
        secrets_finish();
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(secrets_machine_key(&m.paths, m.db, true, &key, &why), -EPERM);
        assert_non_null(why);
        assert_non_null(strstr(why, "0644"));
        free(why);
        why = NULL;
        assert_int_equal(chmod(path, 0600), 0);

        /* The wrong size: refused, never replaced. */
        assert_int_equal(truncate(path, SECRET_MACHINE_KEY_BYTES - 1), 0);
        assert_int_equal(secrets_machine_key(&m.paths, m.db, true, &key, &why), -EINVAL);
        assert_non_null(strstr(why, "exactly"));
        free(why);
        why = NULL;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, SECRET_MACHINE_KEY_BYTES - 1);

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

static int collect(void *userdata, const struct db_secret_row *row) {
        json_t *list = userdata;
        json_array_append_new(
                list, json_pack("{s:s, s:I}", "key", row->key, "size", (json_int_t)row->size));
        return 0;
}

static size_t count(struct db *db, const char *service) {
        json_t *list = json_array();
        assert_int_equal(db_secret_list(db, service, collect, list), 0);
        size_t n = json_array_size(list);
        json_decref(list);
        return n;
}

static bool file_contains(const char *path, const char *needle) {
        FILE *f = fopen(path, "rb");
        if (!f)
                return false;
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        return memmem(buf, n, needle, strlen(needle)) != NULL;
}

static void test_table(void **state) {
        (void)state;
        char dir[] = "/tmp/scm-unit-secrets.XXXXXX", path[96], wal[100];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/scm.db", dir);
        snprintf(wal, sizeof(wal), "%s-wal", path);
        struct db *db;
        assert_int_equal(db_open(path, &db), 0);
        struct service_config c = {
                .name = (char *)"Web",
                .display_name = (char *)"Web",
                .type = SCM_TYPE_OWN_PROCESS,
                .start_type = SCM_START_DEMAND,
                .error_control = SCM_ERROR_NORMAL,
                .command_line = (char *)"/bin/true",
        };
        int64_t id;
        assert_int_equal(db_insert_service(db, &c, &id), 0);

        unsigned char key[SECRET_MACHINE_KEY_BYTES];
        fill_key(key, 7);
        struct sealed_secret s;
        bool replaced = true;
        assert_int_equal(secret_seal(key, "Web", "b", plaintext, strlen(plaintext), &s), 0);
        assert_int_equal(db_secret_put(db, "Web", "b", &s, &replaced), 0);
        assert_false(replaced);
        assert_int_equal(db_secret_put(db, "Web", "b", &s, &replaced), 0);
        assert_true(replaced);
        assert_int_equal(db_secret_put(db, "Web", "a", &s, &replaced), 0);
        sealed_secret_clear(&s);
        assert_int_equal(count(db, "Web"), 2);
        assert_int_equal(count(db, "web"), 2); /* names ignore case */
        json_t *list = json_array();
        assert_int_equal(db_secret_list(db, "Web", collect, list), 0);
        assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "key")),
                            "a");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "size")),
                         strlen(plaintext));
        json_decref(list);

        assert_int_equal(db_secret_delete(db, "Web", "a"), 0);
        assert_int_equal(db_secret_delete(db, "Web", "a"), -ENOENT);
        assert_int_equal(db_secret_delete(db, "Other", "b"), -ENOENT);
        assert_int_equal(count(db, "Web"), 1);

        /* Only sealed bytes reach the files. */
        assert_false(file_contains(path, "horse"));
        assert_false(file_contains(wal, "horse"));

        /* A service's delete takes its secrets; orphans go on request. */
        assert_int_equal(db_delete_service(db, id), 0);
        assert_int_equal(count(db, "Web"), 0);
        assert_int_equal(secret_seal(key, "gone", "x", "1", 1, &s), 0);
        assert_int_equal(db_secret_put(db, "gone", "x", &s, NULL), 0);
        sealed_secret_clear(&s);
        assert_int_equal(count(db, "gone"), 1);
        assert_int_equal(db_secret_drop_orphans(db), 0);
        assert_int_equal(count(db, "gone"), 0);

        db_close(db);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip), cmocka_unit_test(test_tamper_and_wrong_key),
                cmocka_unit_test(test_key_names),  cmocka_unit_test(test_machine_key_file),
                cmocka_unit_test(test_table),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
