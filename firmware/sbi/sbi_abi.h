/* The SBI binary interface: extension and function IDs, error codes and argument values, as
 * the RISC-V Supervisor Binary Interface specification (riscv-non-isa/riscv-sbi-doc) defines
 * them. Shared by the firmware (callee) and the S-mode test payload (caller).
 *
 * Calling convention (spec "Binary Encoding"): ecall from S-mode with a7 = EID, a6 = FID,
 * arguments in a0..a5; the firmware returns a0 = error, a1 = value and preserves every other
 * register. Legacy extensions (EIDs 0x00..0x0F) ignore a6 and return only a0. */
#ifndef RV39_SBI_ABI_H
#define RV39_SBI_ABI_H

/* --- extension IDs --- */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR 0x02
#define SBI_EXT_LEGACY_CLEAR_IPI 0x03
#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I 0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA 0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45   /* "TIME" */
#define SBI_EXT_IPI 0x735049      /* "sPI" */
#define SBI_EXT_RFENCE 0x52464E43 /* "RFNC" */
#define SBI_EXT_SRST 0x53525354   /* "SRST" */
#define SBI_EXT_DBCN 0x4442434E   /* "DBCN" */
#define SBI_EXT_HSM 0x48534D      /* "HSM" */
#define SBI_EXT_PMU 0x504D55      /* "PMU" */

/* --- function IDs --- */
/* Base (spec "Base Extension") */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_BASE_GET_MVENDORID 4
#define SBI_BASE_GET_MARCHID 5
#define SBI_BASE_GET_MIMPID 6
/* TIME, IPI */
#define SBI_TIME_SET_TIMER 0
#define SBI_IPI_SEND_IPI 0
/* RFENCE: FIDs 3..6 are the hypervisor fences */
#define SBI_RFENCE_REMOTE_FENCE_I 0
#define SBI_RFENCE_REMOTE_SFENCE_VMA 1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID 2
/* SRST */
#define SBI_SRST_SYSTEM_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1
/* Vendor-specific reasons (0xF0000000..): rv39's firmware takes 0xF0000000 | N, N = 1..255, as
 * "shut down with exit status N" (the finisher's 0x3333 | N << 16). */
#define SBI_SRST_REASON_RV39_EXIT 0xF0000000u
/* HSM, and the states hart_get_status reports */
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND 3
#define SBI_HSM_STATE_STARTED 0
#define SBI_HSM_STATE_STOPPED 1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING 3
#define SBI_HSM_STATE_SUSPENDED 4
#define SBI_HSM_SUSPEND_RETENTIVE 0x00000000ul
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000ul
/* PMU */
#define SBI_PMU_NUM_COUNTERS 0
#define SBI_PMU_COUNTER_GET_INFO 1
#define SBI_PMU_COUNTER_CONFIG_MATCHING 2
#define SBI_PMU_COUNTER_START 3
#define SBI_PMU_COUNTER_STOP 4
#define SBI_PMU_COUNTER_FW_READ 5
/* DBCN */
#define SBI_DBCN_CONSOLE_WRITE 0
#define SBI_DBCN_CONSOLE_READ 1
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/* --- error codes (spec table "Standard SBI Errors") --- */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_DENIED (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)

/* Spec version in sbi_get_spec_version's encoding: major in bits 30..24, minor in 23..0. */
#define SBI_SPEC_VERSION(major, minor) (((long)(major) << 24) | (long)(minor))
#define SBI_SPEC_VERSION_MAJOR(v) (((unsigned long)(v) >> 24) & 0x7f)
#define SBI_SPEC_VERSION_MINOR(v) ((unsigned long)(v)&0xffffff)

/* A hart_mask_base of -1 means "every hart", whatever hart_mask holds. */
#define SBI_HART_MASK_BASE_ALL (-1ul)

/* Implementation IDs the spec assigns (table "SBI Implementation IDs") that tests mention. */
#define SBI_IMPL_ID_OPENSBI 1

#endif
