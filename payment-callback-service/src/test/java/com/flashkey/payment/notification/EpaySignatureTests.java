package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EpaySignatureTests {

    static final String KEY = "epay-test-key-123";

    /**
     * The worked example. Parameters as the provider sends them (any order):
     * pid=1001, trade_no=2026112520001, out_trade_no=FK20261125A1, type=alipay, name=Steam Card 50, money=9.90,
     * trade_status=TRADE_SUCCESS, param= (empty), sign_type=MD5.
     * 1. drop sign, sign_type and empty values (param);
     * 2. sort by name: money, name, out_trade_no, pid, trade_no, trade_status, type;
     * 3. join k=v with &amp;: money=9.90&amp;name=Steam Card 50&amp;out_trade_no=FK20261125A1&amp;pid=1001&amp;trade_no=2026112520001&amp;trade_status=TRADE_SUCCESS&amp;type=alipay
     * 4. append the key with nothing between: ...&amp;type=alipayepay-test-key-123
     * 5. MD5, lower-case hex (printf '%s' '...' | md5sum): 23efa45d09cbbd1e60b685f731e12d6d
     */
    static final String SIGNED_STRING = "money=9.90&name=Steam Card 50&out_trade_no=FK20261125A1&pid=1001"
            + "&trade_no=2026112520001&trade_status=TRADE_SUCCESS&type=alipay";
    static final String EXPECTED_SIGN = "23efa45d09cbbd1e60b685f731e12d6d";

    static Map<String, String> example() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pid", "1001");
        params.put("trade_no", "2026112520001");
        params.put("out_trade_no", "FK20261125A1");
        params.put("type", "alipay");
        params.put("name", "Steam Card 50");
        params.put("money", "9.90");
        params.put("trade_status", "TRADE_SUCCESS");
        params.put("param", "");
        params.put("sign_type", "MD5");
        return params;
    }

    /** The worked example with its correct sign. */
    static Map<String, String> signedExample() {
        Map<String, String> params = example();
        params.put("sign", EXPECTED_SIGN);
        return params;
    }

    final EpaySignature signature = new EpaySignature(KEY);

    @Test
    void whenTheWorkedExampleIsSignedThenTheStringAndTheMd5MatchTheHandComputation() {
        assertThat(EpaySignature.signedString(example())).isEqualTo(SIGNED_STRING);
        assertThat(EpaySignature.sign(example(), KEY)).isEqualTo(EXPECTED_SIGN);
    }

    @Test
    void whenTheSignMatchesThenItVerifiesAlsoInUpperCase() {
        Map<String, String> params = signedExample();
        assertThatCode(() -> signature.verify(params)).doesNotThrowAnyException();
        params.put("sign", EXPECTED_SIGN.toUpperCase());
        assertThatCode(() -> signature.verify(params)).doesNotThrowAnyException();
    }

    @Test
    void whenTheAmountIsTamperedThenTheSignIsRefused() {
        Map<String, String> params = signedExample();
        params.put("money", "0.01");
        assertRefused(params, SignatureFailure.MISMATCH);
    }

    @Test
    void whenAnyOtherParameterIsTamperedOrAddedThenTheSignIsRefused() {
        Map<String, String> tampered = signedExample();
        tampered.put("out_trade_no", "FK20261125A2");
        assertRefused(tampered, SignatureFailure.MISMATCH);
        Map<String, String> added = signedExample();
        added.put("param", "x");
        assertRefused(added, SignatureFailure.MISMATCH);
    }

    @Test
    void whenSignedWithAnotherKeyThenTheSignIsRefused() {
        Map<String, String> params = example();
        params.put("sign", EpaySignature.sign(example(), "wrong-key"));
        assertRefused(params, SignatureFailure.MISMATCH);
    }

    @Test
    void whenTheSignIsMissingOrMalformedThenItIsRefused() {
        assertRefused(example(), SignatureFailure.MISSING);
        Map<String, String> malformed = example();
        malformed.put("sign", "not-hex");
        assertRefused(malformed, SignatureFailure.MALFORMED);
        Map<String, String> otherType = signedExample();
        otherType.put("sign_type", "RSA");
        assertRefused(otherType, SignatureFailure.MALFORMED);
    }

    private void assertRefused(Map<String, String> params, SignatureFailure expected) {
        assertThatThrownBy(() -> signature.verify(params))
                .isInstanceOfSatisfying(BadSignatureException.class, ex -> assertThat(ex.failure()).isEqualTo(expected));
    }
}
