package com.flashkey.notification.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.flashkey.notification.TestProperties;

class MailTemplatesTests {

    private final MailTemplates templates = new MailTemplates(TestProperties.notification());

    @Test
    void whenRenderedInChineseThenSubjectBothPartsCodesAndLookupLinkAreChinese() {
        RenderedMail mail = templates.renderKeys(MailLocale.ZH_CN, "FK123", "GIFT-100", List.of("AAAA-1111", "BBBB-2222"));

        assertThat(mail.subject()).isEqualTo("您的卡密 - 订单 FK123");
        assertThat(mail.text()).contains("卡密", "FK123", "GIFT-100", "  AAAA-1111\n", "  BBBB-2222\n",
                "https://shop.example/api/orders/FK123");
        assertThat(mail.html()).contains("<html lang=\"zh-CN\">", "<li><code>AAAA-1111</code></li>",
                "<li><code>BBBB-2222</code></li>", "href=\"https://shop.example/api/orders/FK123\"");
    }

    @Test
    void whenRenderedInEnglishThenTheTextIsEnglishAndCountsTheCodes() {
        RenderedMail mail = templates.renderKeys(MailLocale.EN, "FK123", "GIFT-100", List.of("AAAA-1111"));

        assertThat(mail.subject()).isEqualTo("Your codes - order FK123");
        assertThat(mail.text()).contains("Here are your card codes (1):", "AAAA-1111").doesNotContain("卡密");
        assertThat(mail.html()).contains("<html lang=\"en\">");
    }

    @Test
    void whenACodeOrSkuContainsMarkupThenTheHtmlPartEscapesItAndTheTextPartKeepsIt() {
        RenderedMail mail = templates.renderKeys(MailLocale.EN, "FK123", "<b>SKU</b>",
                List.of("<script>alert('x')</script>&\"1\""));

        assertThat(mail.html()).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;1&quot;",
                "&lt;b&gt;SKU&lt;/b&gt;").doesNotContain("<script>", "<b>SKU");
        assertThat(mail.text()).contains("<script>alert('x')</script>&\"1\"", "<b>SKU</b>");
    }

    @Test
    void whenRenderedThenToStringNamesNoCode() {
        RenderedMail mail = templates.renderKeys(MailLocale.EN, "FK123", "GIFT-100", List.of("SECRET-CODE-1"));

        assertThat(mail.toString()).doesNotContain("SECRET-CODE-1");
    }

    @Test
    void whenTheOrderLocaleVariesThenItResolvesToAKnownOneOrTheFallback() {
        assertThat(MailLocale.resolve("zh-CN", MailLocale.EN)).isEqualTo(MailLocale.ZH_CN);
        assertThat(MailLocale.resolve("zh_CN", MailLocale.EN)).isEqualTo(MailLocale.ZH_CN);
        assertThat(MailLocale.resolve("zh-Hans-CN", MailLocale.EN)).isEqualTo(MailLocale.ZH_CN);
        assertThat(MailLocale.resolve("en-GB", MailLocale.ZH_CN)).isEqualTo(MailLocale.EN);
        assertThat(MailLocale.resolve("fr-FR", MailLocale.EN)).isEqualTo(MailLocale.EN);
        assertThat(MailLocale.resolve(null, MailLocale.ZH_CN)).isEqualTo(MailLocale.ZH_CN);
        assertThat(MailLocale.resolve(" ", MailLocale.EN)).isEqualTo(MailLocale.EN);
        assertThatThrownBy(() -> MailLocale.ofTag("fr")).isInstanceOf(IllegalArgumentException.class);
    }
}
