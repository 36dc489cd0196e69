package io.mtgate.tl;

/** A TL function: a request a peer invokes; its answer is of the function's result type. */
public interface TlFunction extends TlObject {
}
