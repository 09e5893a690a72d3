/* SPDX-License-Identifier: MIT */
/* Fuzz target: the reader of a service trigger's text (set_triggers'
 * entries), with what it promises checked: a parsed trigger has a known
 * kind and the parts its kind needs; a refused one says why and holds
 * nothing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trigger_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = strndup((const char *)data, size);
        if (!text)
                return 0;
        struct trigger_spec t;
        char *why = NULL;
        if (trigger_spec_parse(text, &t, &why) == 0) {
                bool no_arg = t.kind == TRIGGER_ADDRESS_FIRST || t.kind == TRIGGER_ADDRESS_LAST;
                if (t.kind > TRIGGER_CUSTOM || why || no_arg != !t.arg)
                        abort();
                trigger_spec_done(&t);
        } else if (t.arg || t.devtype || t.devname) {
                abort();
        }
        free(why);
        free(text);
        return 0;
}
