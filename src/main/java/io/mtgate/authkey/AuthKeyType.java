package io.mtgate.authkey;

/**
 * Kind of an auth key, with Teamgram's {@code auth_key_infos.auth_key_type} codes.
 * Permanent keys are stored durably; temporary keys (PFS, checklist 2.5/2.10) live in RAM only.
 */
public enum AuthKeyType {
    PERMANENT(0),
    TEMPORARY(1),
    MEDIA_TEMPORARY(2);

    private final int code;

    AuthKeyType(int code) {
        this.code = code;
    }

    /** The value stored in {@code auth_key_infos.auth_key_type}. */
    public int code() {
        return code;
    }

    /** True for {@link #TEMPORARY} and {@link #MEDIA_TEMPORARY}. */
    public boolean isTemporary() {
        return this != PERMANENT;
    }

    /** @throws IllegalArgumentException for a code that is not 0, 1 or 2 */
    public static AuthKeyType fromCode(int code) {
        for (AuthKeyType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown auth_key_type " + code);
    }
}
