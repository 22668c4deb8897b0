/* CSR addresses, priv spec 2.2 "CSR Listing": CSR_<ID> for every row of cpu/csrs.def (the
 * first register of a numbered family: CSR_PMPADDR0, CSR_MHPMCOUNTER3). */
#ifndef RV39_CSR_NUMBERS_H
#define RV39_CSR_NUMBERS_H

enum csr_number {
#define CSR(id, number, ...) CSR_##id = number,
#include "csrs.def"
#undef CSR
};

#endif
