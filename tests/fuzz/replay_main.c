/* A main() for the fuzz targets in normal builds: runs LLVMFuzzerTestOneInput once on every
 * file named on the command line and every file in the directories named there (hidden files
 * and README* skipped), so the committed corpus and crash regressions stay tested by ctest
 * (fuzz-replay/<target>) without clang. A crash, or an oracle's abort(), fails the test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Optional in a target: called when it defines one. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned replayed;

static bool replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return false;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0;
    for (;;) {
        if (size == cap) {
            cap = cap ? 2 * cap : 4096;
            data = realloc(data, cap);
            if (!data) {
                fprintf(stderr, "replay: out of memory\n");
                exit(2);
            }
        }
        size_t n = fread(data + size, 1, cap - size, f);
        if (n == 0) break;
        size += n;
    }
    bool ok = !ferror(f);
    fclose(f);
    if (!ok) {
        perror(path);
        free(data);
        return false;
    }
    /* A copy of exactly `size` bytes, as libFuzzer gives: ASan sees any read past the end. */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) exit(2);
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    replayed++;
    return true;
}

static bool skipped(const char *name)
{
    return name[0] == '.' || strncmp(name, "README", 6) == 0;
}

static bool replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return false;
    }
    if (!S_ISDIR(st.st_mode)) return replay_file(path);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort); /* a stable order: reproducible runs */
    if (n < 0) {
        perror(path);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n; i++) {
        if (ok && !skipped(names[i]->d_name)) {
            char file[4096];
            snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
            ok = replay_file(file);
        }
        free(names[i]);
    }
    free(names);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...  (run the fuzz target once on each input)\n",
                argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        if (!replay_path(argv[i])) return 2;
    printf("replayed %u inputs\n", replayed);
    return 0;
}
