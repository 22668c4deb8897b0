/* -cpu rv64[,PROP=VALUE...]: QEMU's option for the hart's ISA, over the extension table
 * (cpu/ext.h). */
#ifndef RV39_CPU_OPTION_H
#define RV39_CPU_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse `text` into `*extensions` (a bit per enum rv_ext; start from rv_ext_all()). On
 * failure, a short reason goes to `problem`. */
bool options_parse_cpu(const char *text, uint64_t *extensions, char *problem, size_t problem_len);

#endif
