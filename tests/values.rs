//! Values as databases, Java and Excel write them (spec section 3), through
//! whole ledgers: every figure worked out by hand.

use govtally::{Dataset, Error, Options, Report, Tally};

fn tally(dataset: Dataset, options: &Options, text: &str) -> Result<Report, Error> {
    let mut t = Tally::new(dataset, options)?;
    t.feed(text.as_bytes())?;
    t.finish()
}

fn year(y: i32) -> Options {
    Options::default().year(y).unwrap()
}

#[test]
fn a_utc_offset_moves_a_complaint_into_the_next_year() {
    // 23:30 UTC on 31 December 2023 is 07:30 on 1 January 2024 in China.
    let text = "编号,登记时间,问题类别\n\
                A1,2023-12-31T23:30:00Z,欠薪\n\
                A2,2023-12-31 23:30:00+00:00,欠薪\n\
                A3,2023-12-31 23:30:00+08:00,欠薪\n\
                A4,2023-12-31 15:59:59.999Z,欠薪\n\
                A5,2024-01-01T00:10:00+0900,欠薪\n";
    // A1, A2 belong to 2024; A3 is local time, 2023; A4 is 23:59:59.999 in
    // China, 2023; A5 is 23:10 on 31 December 2023 in China.
    let r = tally(Dataset::Complaints, &year(2024), text).unwrap();
    assert_eq!(r.figure("total.current"), Some(2.into()));
    assert_eq!(r.figure("total.previous"), Some(3.into()));
    assert_eq!(r.figure("by_month.2024-01.current"), Some(2.into()));
    let r = tally(Dataset::Complaints, &year(2023), text).unwrap();
    assert_eq!(r.figure("total.current"), Some(3.into()));
    assert_eq!(r.rows.out_of_period, 2);
}

#[test]
fn a_utc_offset_moves_a_review_out_of_the_year_and_counts_with_a_point() {
    let text = "审查编号,文件类型,收文日期,审结日期,审查意见数\n\
                H1,合同,2023-12-31T20:00:00Z,,3.0\n\
                H2,合同,2023-06-01 14:22:10.0,2023/6/5 下午2:22,2.00\n\
                H3,合同,2023-06-01 上午10:05:09,2023-06-02 2:22 PM,1\n\
                H4,合同,2023年6月1日 14时22分,2023-06-03 14时22分10秒,0.0\n";
    let r = tally(Dataset::Legality, &year(2023), text).unwrap();
    // H1 is 04:00 on 1 January 2024 in China: out of 2023.
    assert_eq!(r.rows.counted, 3);
    assert_eq!(r.rows.out_of_period, 1);
    // 2 + 1 + 0
    assert_eq!(r.figure("opinions.total"), Some(3.into()));
    // 4, 1 and 2 days
    assert_eq!(r.figure("review_days.max"), Some(4.into()));
    let r = tally(Dataset::Legality, &year(2024), text).unwrap();
    assert_eq!(r.figure("opinions.total"), Some(3.into()));
}

#[test]
fn excel_serials_and_malformed_forms_are_row_errors_a_clerk_can_act_on() {
    let text = "编号,处理方式,登记日期,开庭时间\n\
                D1,调解,45078,\n\
                D2,调解,2023-06-01,2023-06-01 下午13:00\n\
                D3,调解,2023-06-01,2023-06-01 14:22+25:00\n";
    let Err(Error::Rejected { problems, .. }) = tally(Dataset::Disputes, &year(2023), text) else {
        panic!("expected rejected rows");
    };
    assert_eq!(problems.len(), 3);
    assert_eq!(
        (
            problems[0].line,
            problems[0].column.as_str(),
            problems[0].value.as_str()
        ),
        (2, "登记日期", "45078")
    );
    assert!(
        problems[0].reason.contains("2023-06-01"),
        "{}",
        problems[0].reason
    );
    assert!(
        problems[0].reason.contains("format the column as a date"),
        "{}",
        problems[0].reason
    );
    assert_eq!(
        (problems[1].line, problems[1].column.as_str()),
        (3, "开庭时间")
    );
    assert_eq!(
        (problems[2].line, problems[2].column.as_str()),
        (4, "开庭时间")
    );
    let count = "审查编号,文件类型,收文日期,审查意见数\nH1,合同,2023-06-01,1.5\n";
    let Err(Error::Rejected { problems, .. }) = tally(Dataset::Legality, &year(2023), count) else {
        panic!("expected a rejected row");
    };
    assert_eq!(problems[0].value, "1.5");
    assert!(problems[0].reason.contains("3.0"), "{}", problems[0].reason);
}
