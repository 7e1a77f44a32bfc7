//! SMS through a configurable HTTP gateway: POST of a JSON body built from a template.
use std::time::Duration;

use crate::configuration::SmsSettings;

#[derive(Clone)]
pub struct SmsGateway {
    client: reqwest::Client,
    url: Option<String>,
    header: Option<(String, String)>,
    template: String,
}

/// Fills the template's `{{to}}`, `{{text}}` and `{{id}}` with JSON-escaped values.
pub fn render(template: &str, to: &str, text: &str, id: &str) -> String {
    let esc = |v: &str| {
        let quoted = serde_json::to_string(v).expect("strings serialise");
        quoted[1..quoted.len() - 1].to_string()
    };
    template.replace("{{to}}", &esc(to)).replace("{{text}}", &esc(text)).replace("{{id}}", &esc(id))
}

impl SmsGateway {
    pub fn new(s: &SmsSettings) -> anyhow::Result<Self> {
        let header = s
            .auth_header
            .as_deref()
            .map(|h| {
                h.split_once(':')
                    .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                    .ok_or_else(|| anyhow::anyhow!("sms.auth_header must look like `Name: value`"))
            })
            .transpose()?;
        let probe = render(&s.body_template, "0900000000", "x", "id");
        serde_json::from_str::<serde_json::Value>(&probe)
            .map_err(|e| anyhow::anyhow!("sms.body_template does not give JSON: {e}"))?;
        Ok(Self {
            client: reqwest::Client::builder().timeout(Duration::from_secs(s.timeout_secs)).build()?,
            url: s.gateway_url.clone(),
            header,
            template: s.body_template.clone(),
        })
    }

    pub fn configured(&self) -> bool {
        self.url.is_some()
    }

    pub async fn send(&self, id: &str, to: &str, text: &str) -> anyhow::Result<()> {
        let url = self.url.as_deref().ok_or_else(|| anyhow::anyhow!("no SMS gateway configured (sms.gateway_url)"))?;
        let mut req = self
            .client
            .post(url)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", id)
            .body(render(&self.template, to, text, id));
        if let Some((n, v)) = &self.header {
            req = req.header(n, v);
        }
        let res = req.send().await.map_err(|e| anyhow::anyhow!("SMS gateway unreachable: {e}"))?;
        anyhow::ensure!(res.status().is_success(), "SMS gateway answered {}", res.status());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_template_is_filled_with_json_escaped_values() {
        let body = super::render(r#"{"to": "{{to}}", "text": "{{text}}", "ref": "{{id}}"}"#, "0912", "a \"b\"\n", "n1");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["text"], "a \"b\"\n");
        assert_eq!(v["ref"], "n1");
    }
}
