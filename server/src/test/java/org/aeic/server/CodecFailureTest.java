package org.aeic.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aeic.codec.AeicException;
import org.aeic.codec.AeicException.Kind;
import org.junit.jupiter.api.Test;

/** The status of a codec refusal follows its kind, never its message. */
class CodecFailureTest {
    private static void assertProblem(int status, String kind, ApiException e) {
        assertEquals(status, e.status, e.getMessage());
        assertEquals(kind, e.kind);
    }

    @Test
    void imageRefusals() {
        // as for compress: over a limit is 413, broken is 400
        assertProblem(413, "too-large", Coding.codecFailure(new AeicException(Kind.TOO_LARGE, "big"),
                ApiException::tooLarge, ApiException::badRequest));
        assertProblem(400, "malformed", Coding.codecFailure(new AeicException("broken"),
                ApiException::tooLarge, ApiException::badRequest));
        assertProblem(422, "invalid", Coding.codecFailure(new AeicException(Kind.UNSUPPORTED, "no model"),
                ApiException::tooLarge, ApiException::invalid));
    }

    @Test
    void streamRefusals() {
        // as for decompress: over a limit and unusable here are 422, broken is 400
        assertProblem(422, "invalid", Coding.codecFailure(new AeicException(Kind.TOO_LARGE, "wide"),
                ApiException::invalid, ApiException::badRequest));
        assertProblem(422, "invalid", Coding.codecFailure(new AeicException(Kind.UNSUPPORTED, "other version"),
                ApiException::invalid, ApiException::badRequest));
        // a message that reads like a refusal of another kind does not change the status
        assertProblem(400, "malformed", Coding.codecFailure(new AeicException("unknown model id in a corrupt header"),
                ApiException::invalid, ApiException::badRequest));
    }

    @Test
    void outOfMemoryIsTheServers() {
        AeicException e = new AeicException(Kind.TOO_LARGE, "out of memory", new OutOfMemoryError());
        assertProblem(503, "insufficient-memory", Coding.codecFailure(e, ApiException::tooLarge,
                ApiException::badRequest));
    }
}
