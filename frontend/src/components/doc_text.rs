//! Connect's documentation strings, shown formatted: they hold HTML (`<code>`, lists, bold),
//! parsed here and rendered through a strict allow-list of elements, none with attributes.
//! Any other tag shows only its text (a link's text, say), and the contents of `script` and
//! `style` not at all: a plugin's documentation is a plugin author's text, never markup that
//! runs in the console.

use leptos::prelude::*;

/// The elements a documentation string may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Code,
    Bold,
    Italic,
    Paragraph,
    List,
    Numbered,
    Item,
    Pre,
    Break,
}

impl Tag {
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "code" | "tt" | "kbd" | "samp" => Self::Code,
            "b" | "strong" => Self::Bold,
            "i" | "em" => Self::Italic,
            "p" => Self::Paragraph,
            "ul" => Self::List,
            "ol" => Self::Numbered,
            "li" => Self::Item,
            "pre" => Self::Pre,
            "br" => Self::Break,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Element(Tag, Vec<Node>),
}

/// Elements whose contents are never shown.
const SILENT: [&str; 2] = ["script", "style"];

/// `doc` as a tree of allowed elements and text.
fn parse(doc: &str) -> Vec<Node> {
    let mut open: Vec<(Tag, Vec<Node>)> = Vec::new();
    let mut root: Vec<Node> = Vec::new();
    let mut rest = doc;
    let push = |open: &mut Vec<(Tag, Vec<Node>)>, root: &mut Vec<Node>, node: Node| match open
        .last_mut()
    {
        Some((_, children)) => children.push(node),
        None => root.push(node),
    };
    while !rest.is_empty() {
        let Some(start) = rest.find('<') else {
            push(&mut open, &mut root, Node::Text(decode(rest)));
            break;
        };
        if start > 0 {
            push(&mut open, &mut root, Node::Text(decode(&rest[..start])));
        }
        let Some(length) = rest[start..].find('>') else {
            push(&mut open, &mut root, Node::Text(decode(&rest[start..])));
            break;
        };
        let inside = &rest[start + 1..start + length];
        rest = &rest[start + length + 1..];
        let closing = inside.starts_with('/');
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if SILENT.contains(&name.as_str()) && !closing {
            let end = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = lower.find(&end).map_or("", |at| {
                let after = &rest[at..];
                after.find('>').map_or("", |gt| &after[gt + 1..])
            });
            continue;
        }
        let Some(tag) = Tag::of(&name) else {
            continue;
        };
        if tag == Tag::Break {
            push(&mut open, &mut root, Node::Element(Tag::Break, Vec::new()));
        } else if !closing {
            open.push((tag, Vec::new()));
        } else if open.iter().any(|(t, _)| *t == tag) {
            while let Some((t, children)) = open.pop() {
                push(&mut open, &mut root, Node::Element(t, children));
                if t == tag {
                    break;
                }
            }
        }
    }
    while let Some((t, children)) = open.pop() {
        push(&mut open, &mut root, Node::Element(t, children));
    }
    root
}

/// The text with HTML's common entities written out.
fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn render(nodes: Vec<Node>) -> Vec<AnyView> {
    nodes
        .into_iter()
        .map(|node| match node {
            Node::Text(text) => text.into_any(),
            Node::Element(tag, children) => {
                let inner = render(children);
                match tag {
                    Tag::Code => view! { <code>{inner}</code> }.into_any(),
                    Tag::Bold => view! { <strong>{inner}</strong> }.into_any(),
                    Tag::Italic => view! { <em>{inner}</em> }.into_any(),
                    Tag::Paragraph => view! { <p>{inner}</p> }.into_any(),
                    Tag::List => view! { <ul>{inner}</ul> }.into_any(),
                    Tag::Numbered => view! { <ol>{inner}</ol> }.into_any(),
                    Tag::Item => view! { <li>{inner}</li> }.into_any(),
                    Tag::Pre => view! { <pre>{inner}</pre> }.into_any(),
                    Tag::Break => view! { <br /> }.into_any(),
                }
            }
        })
        .collect()
}

/// A setting's documentation, formatted.
#[component]
pub(crate) fn DocText(text: String) -> impl IntoView {
    view! { <div class="doc" data-testid="setting-doc">{render(parse(&text))}</div> }
}
