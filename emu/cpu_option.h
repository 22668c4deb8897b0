/* -cpu rv64[,PROP=VALUE...]: QEMU's option for the hart's ISA, over the extension table
 * (cpu/ext.h). */
#ifndef RV39_CPU_OPTION_H
#define RV39_CPU_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse `text` into `*extensions` (a bit per enum rv_ext; start from rv_ext_all()) and
 * `*vm_max`, the widest satp.MODE (cpu/ext.h's RV_VM_SV39..RV_VM_SV57; start from
 * RV_VM_SV57). On failure, a short reason goes to `problem`. */
bool options_parse_cpu(const char *text, uint64_t *extensions, unsigned *vm_max, char *problem,
                       size_t problem_len);

#endif
