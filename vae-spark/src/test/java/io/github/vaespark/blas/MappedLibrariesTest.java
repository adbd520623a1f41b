package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MappedLibrariesTest {

    @Test
    void findsBlasFilesOnceInOrder() {
        String maps = """
                7f00-7f01 r--p 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
                7f01-7f02 r-xp 00001000 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
                7f02-7f03 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so
                7f03-7f04 r-xp 00000000 08:01 3 /tmp/jniloader123/libnetlibblasjni.so
                7f04-7f05 r-xp 00000000 08:01 4 /root/.javacpp/cache/x.jar/org/bytedeco/openblas/linux-x86_64/libjniopenblas_full.so
                7f05-7f06 r-xp 00000000 08:01 5 /usr/lib/x86_64-linux-gnu/libc.so.6
                7f06-7f07 rw-p 00000000 00:00 0 [heap]
                7f07-7f08 rw-p 00000000 00:00 0
                """;
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
                "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"), MappedLibraries.blas(maps));
    }
}
